// The `kafka-cluster` panel kind: a lab names it (with the topic to draw) and the lab server
// runs one ClusterObserver for every tab that watches such a lab.
import { z } from 'zod';
import type { PanelKind } from '../../../server/course.ts';
import type { KafkaEndpoints } from '../kafka-access.ts';
import { ClusterObserver } from './observer.ts';
import { KAFKA_CLUSTER_KIND } from './snapshot.ts';

const Options = z.object({ topic: z.string().regex(/^[A-Za-z0-9._-]{1,249}$/) }).strict();

export function kafkaClusterPanel(endpoints: KafkaEndpoints): PanelKind {
  return {
    kind: KAFKA_CLUSTER_KIND,
    options: Options,
    create({ docker }) {
      const observer = new ClusterObserver({ docker, endpoints });
      return {
        watch: (options, listener) => observer.watch(Options.parse(options).topic, listener),
        nudge: () => observer.nudge(),
        dispose: () => observer.dispose(),
      };
    },
  };
}

// Particles after run-time names must read as Korean does aloud: digits by their reading,
// Hangul by its final consonant, Latin names the way loanwords are written in Hangul.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { josaFor, withJosa } from '../../../server/korean.ts';

test('digits follow their reading (일 이 삼 …)', () => {
  assert.equal(withJosa('kafka-1', '이/가'), 'kafka-1이');
  assert.equal(withJosa('kafka-2', '이/가'), 'kafka-2가');
  assert.equal(withJosa(3, '이/가'), '3이');
  assert.equal(withJosa(2, '은/는'), '2는');
  assert.equal(withJosa(0, '은/는'), '0은');
  assert.equal(withJosa(10, '을/를'), '10을');
  assert.equal(withJosa('kafka-2', '을/를'), 'kafka-2를');
});

test('으로/로: 로 after a vowel and after ㄹ, 으로 after other consonants', () => {
  assert.equal(withJosa('2+1', '으로/로'), '2+1로'); // 일 ends in ㄹ
  assert.equal(withJosa('3', '으로/로'), '3으로');
  assert.equal(withJosa('4', '으로/로'), '4로');
  assert.equal(withJosa('서울', '으로/로'), '서울로');
  assert.equal(withJosa('NOT_ENOUGH_REPLICAS', '으로/로'), 'NOT_ENOUGH_REPLICAS로');
});

test('Hangul by its final consonant, and 와/과 the other way round', () => {
  assert.equal(withJosa('토픽', '이/가'), '토픽이');
  assert.equal(withJosa('브로커', '이/가'), '브로커가');
  assert.equal(withJosa('브로커', '와/과'), '브로커와');
  assert.equal(withJosa('토픽', '와/과'), '토픽과');
});

test('Latin names the way they are written in Hangul', () => {
  assert.equal(withJosa('upbit-ticker', '이/가'), 'upbit-ticker가');
  assert.equal(withJosa('ticker-readers', '이/가'), 'ticker-readers가');
  assert.equal(withJosa('console-lab', '이/가'), 'console-lab이');
  assert.equal(withJosa('ledger', '은/는'), 'ledger는');
  assert.equal(withJosa('pipeline-network', '이/가'), 'pipeline-network가');
  assert.equal(withJosa('stream', '이/가'), 'stream이');
  assert.equal(withJosa('console', '으로/로'), 'console로');
});

test('an ending nobody can read aloud falls back to the combined form', () => {
  assert.equal(josaFor('a_b)', '이/가'), '이(가)');
  assert.equal(josaFor('', '으로/로'), '(으)로');
  assert.equal(josaFor('!', '와/과'), '와(과)');
});

// Unit tests for the pinned Kafka versions, the image name and the logging binding per line.
import { describe, it, expect } from 'vitest';
import {
  DEFAULT_KAFKA_VERSION,
  isSupportedKafkaVersion,
  kafkaImage,
  loggingArtifacts,
  parseKafkaVersion,
} from '../../../src/broker/versions.js';

describe('versions', () => {
  it('defaults to a supported 4.x release', () => {
    expect(parseKafkaVersion(DEFAULT_KAFKA_VERSION)?.major).toBe(4);
    expect(isSupportedKafkaVersion(DEFAULT_KAFKA_VERSION)).toBe(true);
  });

  it('names the official Apache image', () => {
    expect(kafkaImage('4.1.1', {})).toBe('apache/kafka:4.1.1');
    expect(kafkaImage('3.9.1', { KAFKA_DUP_LAB_KAFKA_IMAGE: '' })).toBe('apache/kafka:3.9.1');
  });

  it('takes the image from KAFKA_DUP_LAB_KAFKA_IMAGE when set (a mirror for every run here)', () => {
    expect(kafkaImage('4.1.1', { KAFKA_DUP_LAB_KAFKA_IMAGE: 'mirror.example.com/apache/kafka:4.1.1' })).toBe('mirror.example.com/apache/kafka:4.1.1');
  });

  it.each([
    ['4.1.1', { major: 4, minor: 1 }],
    ['3.9.0', { major: 3, minor: 9 }],
    ['10.20.30', { major: 10, minor: 20 }],
  ])('parses %s', (version, line) => {
    expect(parseKafkaVersion(version)).toEqual(line);
  });

  it.each(['4.1', '4', '4.1.1-rc0', 'v4.1.1', 'latest', '', '4.1.1.1', ' 4.1.1'])('does not parse %j', (version) => {
    expect(parseKafkaVersion(version)).toBeNull();
  });

  it.each([
    ['3.9.0', true],
    ['3.9.1', true],
    ['4.0.0', true],
    ['4.1.1', true],
    ['5.0.0', true],
    ['3.8.1', false],
    ['2.8.2', false],
    ['latest', false],
  ])('supports %s: %s', (version, supported) => {
    expect(isSupportedKafkaVersion(version)).toBe(supported);
  });

  it('binds slf4j to log4j2 on 4.x', () => {
    expect(loggingArtifacts('4.1.1')).toEqual([{ groupId: 'org.apache.logging.log4j', artifactId: 'log4j-slf4j-impl', version: expect.any(String) }]);
    expect(loggingArtifacts('4.0.0')[0]!.artifactId).toBe('log4j-slf4j-impl');
  });

  it('binds slf4j to reload4j on 3.9', () => {
    expect(loggingArtifacts('3.9.1')).toEqual([{ groupId: 'org.slf4j', artifactId: 'slf4j-reload4j', version: expect.stringMatching(/^1\.7\./) }]);
  });
});

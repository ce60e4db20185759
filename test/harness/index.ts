/** The shared test harness: private real services (Redis, S3) per test file, and per-test names. */
export { startRedis, type RedisOptions, type RedisServer } from '@pure/devstack/redis';
export { startS3, s3Env, s3StorageConfig, type S3Options, type S3Server, type FailureRule, type ProxyStats } from '@pure/devstack/s3';
export { freePort } from '@pure/devstack/free-port';
export { uniquePrefix } from './unique-prefix';
export { startNodeProcess, type NodeProcess, type NodeProcessOptions } from './node-process';

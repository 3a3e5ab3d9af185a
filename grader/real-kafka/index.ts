// Real Apache Kafka from Maven Central, as a library: see main.ts for the `npm run kafka:real` script.

export { startRealKafka, type RealKafkaCluster, type RealKafkaNode, type RealKafkaOptions } from './cluster.ts';
export { ensureKafkaJars, ensureKafkaTools, jarsCached, libsDir, cacheRoot, toolsJar } from './jars.ts';
export { findJava, findMaven, KAFKA_VERSION, MIN_JAVA, type Tool } from './prerequisites.ts';

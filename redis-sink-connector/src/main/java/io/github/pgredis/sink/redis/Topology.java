package io.github.pgredis.sink.redis;

/** How the Redis deployment is reached: one server, a Redis Cluster, or a master found through Sentinel. */
public enum Topology { STANDALONE, CLUSTER, SENTINEL }

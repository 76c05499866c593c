package io.github.pgredis.sink.redis;

/** How the server certificate is checked: chain and host name, chain only, or not at all. */
public enum TlsVerifyMode { FULL, CA, NONE }

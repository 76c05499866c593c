package io.github.pgredis.sink.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects a {@link RedisServer} started for the test class and stopped after it; each test starts from an empty,
 * running server.
 */
public final class RedisServerExtension implements ParameterResolver,
        org.junit.jupiter.api.extension.BeforeEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
            RedisServerExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == RedisServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return server(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        RedisServer server = server(context);
        try {
            server.commands().flushall();
        } catch (RuntimeException stopped) {
            server.restart();
            server.commands().flushall();
        }
    }

    private static RedisServer server(ExtensionContext context) {
        ExtensionContext classContext = context;
        while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
            classContext = classContext.getParent().get();
        }
        return classContext.getStore(NAMESPACE).getOrComputeIfAbsent(RedisServer.class,
                name -> new ClosingServer(RedisServer.start()), ClosingServer.class).server();
    }

    /** Closed by JUnit with the store it is kept in (stored AutoCloseable values are closed since 5.13). */
    private record ClosingServer(RedisServer server) implements AutoCloseable {
        @Override
        public void close() {
            server.close();
        }
    }
}

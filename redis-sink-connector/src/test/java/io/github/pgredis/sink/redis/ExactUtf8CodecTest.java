package io.github.pgredis.sink.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.CommandArgs;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;

class ExactUtf8CodecTest {
    private static final List<String> TEXTS = Arrays.asList("", "plain ascii", "é", "Grüße, €100", "\uD83D\uDE00 emoji",
            "lone high \uD800 surrogate", "lone low \uDC00 surrogate", "ends high \uD800", "\uDC00\uD800 reversed",
            "\uD800é high then not low", "\uD800€", "\uD800\uD800x", "x".repeat(10_000) + "ü", null);

    @Test
    void sendsTheBytesLettucesUtf8CodecSendsForKeysAndArguments() {
        for (String text : TEXTS) {
            assertThat(wire(ExactUtf8Codec.INSTANCE, text)).as("%s", text).isEqualTo(wire(StringCodec.UTF8, text));
        }
    }

    /**
     * Lettuce takes the length as exact and writes each argument into the command's own buffer, heap or direct: it
     * allocates no other buffer (the allocator of the command's buffer refuses to).
     */
    @Test
    void encodesEachArgumentStraightIntoTheCommandsBuffer() {
        ByteBufAllocator refusing = new AbstractByteBufAllocator(false) {
            @Override
            protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
                throw new AssertionError("a buffer besides the command's");
            }

            @Override
            protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
                throw new AssertionError("a buffer besides the command's");
            }

            @Override
            public boolean isDirectBufferPooled() {
                return false;
            }
        };
        for (String text : TEXTS) {
            for (ByteBuf command : List.of(new UnpooledHeapByteBuf(refusing, 64, Integer.MAX_VALUE),
                    new UnpooledDirectByteBuf(refusing, 64, Integer.MAX_VALUE))) {
                new CommandArgs<>(ExactUtf8Codec.INSTANCE).addKey(text).addValue(text).encode(command);
                assertThat(ByteBufUtil.hexDump(command)).as("%s", text).isEqualTo(wire(StringCodec.UTF8, text));
                command.release();
            }
        }
    }

    @Test
    void givesTheLengthItWrites() {
        for (String text : TEXTS) {
            if (text != null) {
                ByteBuf written = Unpooled.buffer();
                ExactUtf8Codec.INSTANCE.encodeValue(text, written);
                assertThat(ExactUtf8Codec.INSTANCE.estimateSize(text)).as("%s", text).isEqualTo(written.readableBytes());
            }
        }
    }

    private static String wire(RedisCodec<String, String> codec, String text) {
        ByteBuf buffer = Unpooled.buffer();
        new CommandArgs<>(codec).addKey(text).addValue(text).encode(buffer);
        return ByteBufUtil.hexDump(buffer);
    }
}

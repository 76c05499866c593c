package io.github.pgredis.sink.redis;

import java.nio.charset.StandardCharsets;

import io.lettuce.core.codec.StringCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * Lettuce's UTF-8 string codec, telling Lettuce the exact encoded length of every key and argument. For UTF-8 Lettuce's
 * own codec gives only an upper bound, and Lettuce then encodes each argument into a temporary buffer and copies it
 * into the command: in a profile of the sink that allocation was a quarter of Lettuce's event loop. With the length
 * known, each argument is encoded straight into the command's buffer. Both the length and the bytes come from netty
 * (its UTF-8 count and writer, which agree on every input, and write what Lettuce's codec writes: a lone surrogate as
 * {@code ?}, and after a high surrogate that no low one follows, a {@code ?} and the next character's low byte), so a
 * declared length can never differ from what is written.
 */
public final class ExactUtf8Codec extends StringCodec {
    public static final ExactUtf8Codec INSTANCE = new ExactUtf8Codec();

    private ExactUtf8Codec() {
        super(StandardCharsets.UTF_8);
    }

    @Override
    public int estimateSize(Object keyOrValue) {
        return keyOrValue instanceof String text ? ByteBufUtil.utf8Bytes(text) : 0;
    }

    @Override
    public boolean isEstimateExact() {
        return true;
    }

    @Override
    public void encodeKey(String key, ByteBuf target) {
        write(key, target);
    }

    @Override
    public void encodeValue(String value, ByteBuf target) {
        write(value, target);
    }

    private static void write(String text, ByteBuf target) {
        if (text != null) {
            ByteBufUtil.writeUtf8(target, text);
        }
    }
}

package io.github.pgredis.sink.redis;

import java.nio.charset.StandardCharsets;

import io.lettuce.core.codec.StringCodec;
import io.netty.buffer.ByteBufUtil;

/**
 * Lettuce's UTF-8 string codec, telling Lettuce the exact encoded length of every key and argument. For UTF-8 Lettuce's
 * own codec gives only an upper bound, and Lettuce then encodes each argument into a temporary buffer and copies it
 * into the command: in a profile of the sink that allocation was a quarter of Lettuce's event loop. With the length
 * known, each argument is encoded straight into the command's buffer. The length is netty's count of what its UTF-8
 * writer writes (a lone surrogate as one {@code ?}), so the bytes sent are the same.
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
}

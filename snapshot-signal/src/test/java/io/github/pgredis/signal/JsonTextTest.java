package io.github.pgredis.signal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonTextTest {
    private static String quoted(String text) {
        StringBuilder out = new StringBuilder("[");
        JsonText.appendString(out, text);
        return out.append(']').toString();
    }

    @Test
    void escapesQuotesBackslashesControlsAndTheLineSeparatorsAndCopiesEverythingElse() {
        assertThat(quoted("")).isEqualTo("[\"\"]");
        assertThat(quoted("plain é €")).isEqualTo("[\"plain é €\"]");
        assertThat(quoted("\"a\\b\"")).isEqualTo("[\"\\\"a\\\\b\\\"\"]");
        assertThat(quoted("\n\r\t\u0001x\u001f")).isEqualTo("[\"\\n\\r\\t\\u0001x\\u001f\"]");
        assertThat(quoted("a\u2028b\u2029")).isEqualTo("[\"a\\u2028b\\u2029\"]");
    }
}

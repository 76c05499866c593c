package io.github.pgredis.sink.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.github.pgredis.sink.event.ChangeVersion;

class ReconciliationTest {
    private static final String START = ChangeVersion.ofSourcePosition(0, 1_000, 0).encode();

    @Test
    void anOwedReconciliationReadsBackAsWritten() {
        Map<Integer, Long> ends = new LinkedHashMap<>(Map.of(0, 17L));
        ends.put(2, 5L);
        for (Reconciliation.Owed owed : new Reconciliation.Owed[] {
            new Reconciliation.Owed(START, 42, null, "public.items"),
            new Reconciliation.Owed(START, 42, Map.of(), "public.no rows yet"),
            new Reconciliation.Owed(START, 42, ends, "public.my table"),
        }) {
            assertThat(Reconciliation.Owed.decode(owed.encode())).isEqualTo(owed);
        }
    }

    @Test
    void whatCannotBeReadIsRefusedNotGuessed() {
        assertThatThrownBy(() -> Reconciliation.Owed.decode("0001 42 - public.items"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Reconciliation.Owed.decode(START + " 42 x public.items"))
                .isInstanceOf(RuntimeException.class);
    }

    @Test
    void topicsAreNamedAsDebeziumNamesThem() {
        assertThat(DebeziumTopics.of("pg", "public.items")).isEqualTo("pg.public.items");
        assertThat(DebeziumTopics.of("pg", "public.my table")).isEqualTo("pg.public.my_table");
        assertThat(DebeziumTopics.prefixOf("pg.public.my_table", "public.my table")).isEqualTo("pg");
        assertThat(DebeziumTopics.prefixOf("routed.items", "public.items")).isNull();
    }
}

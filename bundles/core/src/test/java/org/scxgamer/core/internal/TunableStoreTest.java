package org.scxgamer.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.scxgamer.api.control.Tunable;

class TunableStoreTest {
    final List<String> warnings = new ArrayList<>();
    final List<Map<Tunable, Long>> written = new ArrayList<>();
    final TunableStore store = new TunableStore(warnings::add);
    final TunableStore.Sink sink = m -> written.add(Map.copyOf(m));

    @Test
    void aDifferentSourceWinsAndTheWarningNamesBoth() {
        store.set(Map.of(Tunable.SLICE_US, 3000L), "config etc/scxgamer.core.cfg", sink);
        assertThat(warnings).isEmpty();
        store.set(Map.of(Tunable.SLICE_US, 2000L), "policy org.scxgamer.policy.fps", sink);
        assertThat(warnings).singleElement().asString().contains("slice.us").contains("policy org.scxgamer.policy.fps")
                .contains("config etc/scxgamer.core.cfg").contains("2000").contains("3000").contains("last writer wins");
        assertThat(store.values()).containsEntry(Tunable.SLICE_US, 2000L);
        assertThat(store.source(Tunable.SLICE_US)).isEqualTo("policy org.scxgamer.policy.fps");
        store.set(Map.of(Tunable.SLICE_US, 2500L), "policy org.scxgamer.policy.fps", sink);
        assertThat(warnings).as("the same source again is no conflict").hasSize(1);
    }

    @Test
    void everyWriteIsACompleteSet() {
        store.set(Map.of(Tunable.PREEMPT, 0L), "a", sink);
        store.set(Map.of(Tunable.LAG_CAP_US, 1L), "b", sink);
        assertThat(written).hasSize(2).allSatisfy(m -> assertThat(m).hasSize(Tunable.values().length));
        assertThat(written.get(1)).containsEntry(Tunable.PREEMPT, 0L).containsEntry(Tunable.LAG_CAP_US, 1L);
    }

    @Test
    void nothingIsAppliedWhenAValueIsBadOrTheWriteFails() {
        assertThatThrownBy(() -> store.set(Map.of(Tunable.PREEMPT, 0L, Tunable.SLICE_US, 1L), "a", sink))
                .hasMessageContaining("slice.us").hasMessageContaining("100 .. 100000");
        assertThat(written).isEmpty();
        assertThat(store.values()).containsEntry(Tunable.PREEMPT, 1L);
        assertThatThrownBy(() -> store.set(Map.of(Tunable.PREEMPT, 0L), "a", m -> {
            throw new IllegalStateException("map update failed");
        })).hasMessageContaining("map update failed");
        assertThat(store.values()).containsEntry(Tunable.PREEMPT, 1L);
        assertThat(store.source(Tunable.PREEMPT)).isNull();
    }

    @Test
    void changedEntriesAreReturned() {
        assertThat(store.set(Map.of(Tunable.PREEMPT, 1L, Tunable.SLICE_US, 4000L), "a", null))
                .containsOnlyKeys(Tunable.SLICE_US);
    }
}

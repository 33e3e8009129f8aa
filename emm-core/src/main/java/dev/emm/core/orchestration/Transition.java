package dev.emm.core.orchestration;

import java.util.List;

/**
 * The new state and the events to publish, in order. The caller persists the state before it
 * publishes, so a crash in between re-publishes on restart instead of losing an event.
 */
public record Transition(ExperimentState state, List<Object> events) {

    public Transition {
        events = List.copyOf(events);
    }
}

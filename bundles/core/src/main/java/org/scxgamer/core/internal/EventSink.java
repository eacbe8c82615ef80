package org.scxgamer.core.internal;

import java.util.Map;

/** Where lifecycle news goes (Event Admin when present). */
@FunctionalInterface
interface EventSink {
    void post(String topic, Map<String, Object> properties);
}

package org.scxgamer.api.stats;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Frame pacing as the display saw it, per CRTC: the intervals between completed page flips (records of type
 * {@code InputEvent.TYPE_FRAME}, part RENDER_HOOK), since the provider's last reset. Provided by the stats plugin.
 */
@ProviderType
public interface FramePacing {
    /** A gap of at least this long between two flips is a pause (nothing to show), not a frame interval. */
    long PAUSE_NANOS = 1_000_000_000L;

    /** The CRTCs that flipped, by {@link Crtc#id()}. */
    List<Crtc> crtcs();

    /**
     * One CRTC's frame intervals.
     * @param id {@code card << 16 | crtc}, the records' deviceId
     * @param card the DRM card's minor number (/dev/dri/cardN)
     * @param crtc the CRTC's DRM object id
     * @param pipe the CRTC's index on its card
     * @param flips flips completed
     * @param intervals frame intervals measured (gaps between flips, pauses left out)
     * @param pauses gaps of {@link #PAUSE_NANOS} or more
     * @param sumNanos the intervals' sum
     * @param p50Nanos median interval; also p90, p99, p99.9 and the longest
     * @param fps frames per second: 1e9 / the mean interval (0 without intervals)
     * @param low1PercentFps the "1 % low": 1e9 / the mean of the slowest 1 % of intervals (at least one)
     * @param recentNanos the last intervals, oldest first (up to {@link #RECENT})
     */
    record Crtc(int id, int card, int crtc, int pipe, long flips, long intervals, long pauses, long sumNanos, long p50Nanos,
                long p90Nanos, long p99Nanos, long p999Nanos, long maxNanos, double fps, double low1PercentFps, long[] recentNanos) {
        /** "card0 crtc 35". */
        public String name() {
            return "card" + card + " crtc " + crtc;
        }
    }

    /** Intervals kept in {@link Crtc#recentNanos()}: 10 s at 120 Hz. */
    int RECENT = 1200;
}

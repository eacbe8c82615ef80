/** What the stats plugin measures, for other bundles to show: frame pacing per display CRTC. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.scxgamer.api.stats;

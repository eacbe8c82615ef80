/**
 * The recording file format (FORMAT.md in the bundle's folder): writer, untrusted-input reader and
 * the Chrome trace exporter. Plain Java without OSGi types, so tests and fuzzers use it directly.
 */
package org.scxgamer.recorder.format;

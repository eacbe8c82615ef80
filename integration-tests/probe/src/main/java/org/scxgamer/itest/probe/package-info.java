/** Test plugin bundle (not part of the product); exported so in-framework tests can read the probes. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.scxgamer.itest.probe;

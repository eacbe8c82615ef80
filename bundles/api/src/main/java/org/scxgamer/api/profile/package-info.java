/** Switching the named tunable profiles of the profiles policy. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.scxgamer.api.profile;

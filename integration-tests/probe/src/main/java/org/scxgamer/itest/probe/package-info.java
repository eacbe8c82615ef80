/** Test plugin bundle; not part of the product. */
package org.scxgamer.itest.probe;

package org.scxgamer.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;

/** The runtime's platform bundles resolve and start in a real Felix. */
class PlatformTest {

    @InjectBundleContext
    BundleContext context;

    @Test
    void platformBundlesAreActive() {
        Map<String, Bundle> bundles = Arrays.stream(context.getBundles())
                .collect(Collectors.toMap(Bundle::getSymbolicName, Function.identity(), (a, b) -> a));
        for (String bsn : new String[] {"org.apache.felix.scr", "org.apache.felix.configadmin",
                "org.apache.felix.fileinstall", "org.apache.felix.eventadmin", "org.apache.felix.metatype",
                "org.scxgamer.api", "org.scxgamer.core"}) {
            assertThat(bundles).as("installed bundles").containsKey(bsn);
            assertThat(bundles.get(bsn).getState()).as(bsn + " state").isEqualTo(Bundle.ACTIVE);
        }
        assertThat(context.getBundle(0).getSymbolicName()).isEqualTo("org.apache.felix.framework");
    }
}

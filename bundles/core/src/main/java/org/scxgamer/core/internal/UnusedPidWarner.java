package org.scxgamer.core.internal;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.scxgamer.common.config.ConfigReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file in etc/ whose name misspells a PID (scxgamer.cor.cfg) or uses the factory form of a single
 * PID (scxgamer.core-x.cfg) is taken by nobody and would change nothing without a word: warn, naming
 * the file and the PIDs the installed scxgamer bundles use (from their metatype). Checked a moment
 * after the change, so plugin bundles installed together with their file are seen first.
 */
@Component(service = ConfigurationListener.class)
public class UnusedPidWarner implements ConfigurationListener {
    private static final Logger LOG = LoggerFactory.getLogger(UnusedPidWarner.class);
    static final String PREFIX = "scxgamer.";
    static final long DELAY_MILLIS = 1_000;

    private final BundleContext context;
    private final MetaTypeService metaType;
    private final ConfigurationAdmin configAdmin;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "scxgamer-pid-check");
        t.setDaemon(true);
        return t;
    });

    @Activate
    public UnusedPidWarner(BundleContext context, @Reference MetaTypeService metaType, @Reference ConfigurationAdmin configAdmin) {
        this.context = context;
        this.metaType = metaType;
        this.configAdmin = configAdmin;
    }

    @Deactivate
    void deactivate() {
        timer.shutdownNow();
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        String id = event.getFactoryPid() != null ? event.getFactoryPid() : event.getPid();
        if (event.getType() == ConfigurationEvent.CM_UPDATED && id.startsWith(PREFIX)) {
            timer.schedule(() -> check(ConfigReader.shown(event.getPid()), event.getFactoryPid() == null ? null : ConfigReader.shown(event.getFactoryPid())), DELAY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void check(String pid, String factoryPid) {
        Set<String> singles = new TreeSet<>();
        Set<String> factories = new TreeSet<>();
        for (Bundle b : context.getBundles()) {
            MetaTypeInformation info = metaType.getMetaTypeInformation(b);
            if (info != null) {
                singles.addAll(Set.of(info.getPids()));
                factories.addAll(Set.of(info.getFactoryPids()));
            }
        }
        String file = fileOf(pid);
        if (factoryPid != null && !factories.contains(factoryPid)) {
            LOG.warn("{}: configuration for factory PID {} is used by no installed bundle, nothing of it applies{}", file, factoryPid,
                    singles.contains(factoryPid) ? "; " + factoryPid + " takes one configuration, not the factory form "
                            + factoryPid + "-NAME: name the file " + factoryPid + ".cfg" : known(singles, factories));
        } else if (factoryPid == null && !singles.contains(pid)) {
            LOG.warn("{}: configuration PID {} is used by no installed bundle, nothing of it applies{}", file, pid,
                    factories.contains(pid) ? "; " + pid + " is a factory PID: name the file " + pid + "-NAME.cfg"
                            : known(singles, factories));
        }
    }

    private static String known(Set<String> singles, Set<String> factories) {
        Set<String> ours = new TreeSet<>();
        singles.stream().filter(p -> p.startsWith(PREFIX)).forEach(ours::add);
        factories.stream().filter(p -> p.startsWith(PREFIX)).forEach(p -> ours.add(p + "-NAME"));
        return "; check the file name, the installed bundles use: " + String.join(", ", ours);
    }

    private String fileOf(String pid) {
        try {
            Configuration[] found = configAdmin.listConfigurations("(" + org.osgi.framework.Constants.SERVICE_PID + "=" + pid + ")");
            Dictionary<String, Object> props = found == null || found.length == 0 ? null : found[0].getProperties();
            Object file = props == null ? null : props.get(ConfigReader.FILENAME);
            return file != null ? String.valueOf(file) : "configuration " + pid;
        } catch (IOException | InvalidSyntaxException e) {
            return "configuration " + pid;
        }
    }
}

package org.scxgamer.itest.probe;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/** Gogo commands: probe:counts (one line per probe), probe:reset. */
@Component(service = ProbeCommands.class, property = {
        "osgi.command.scope=probe", "osgi.command.function=counts", "osgi.command.function=reset"})
public class ProbeCommands {

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    volatile List<ProbeSubscriber> probes = new CopyOnWriteArrayList<>();

    public String counts() {
        StringBuilder sb = new StringBuilder();
        for (ProbeSubscriber p : probes) {
            sb.append(p.describe()).append('\n');
        }
        return sb.length() == 0 ? "no probes configured" : sb.toString().trim();
    }

    public String reset() {
        probes.forEach(ProbeSubscriber::reset);
        return "reset " + probes.size() + " probe(s)";
    }
}

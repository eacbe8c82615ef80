package org.scxgamer.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The page's latency listener as DS registers it (the descriptor bnd generated from the annotations): it runs on
 * the ring reader's thread and receives the input lanes only, so the scheduler's wake samples (lane SCHED, one per
 * wake-up of a classed input thread) neither cost it a call nor count as input latency.
 */
class MonitorComponentTest {
    @Test
    void theLatencyListenerIsNonBlockingAndTakesInputLanesOnly() throws Exception {
        Path xml = Path.of("target/classes/OSGI-INF/org.scxgamer.web.internal.Monitor.xml");
        assertThat(xml).exists();
        NodeList props = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Files.newInputStream(xml))
                .getElementsByTagName("property");
        Map<String, String> byName = new HashMap<>();
        for (int i = 0; i < props.getLength(); i++) {
            Element e = (Element) props.item(i);
            byName.put(e.getAttribute("name"), e.hasAttribute("value") ? e.getAttribute("value") : e.getTextContent().trim());
        }
        assertThat(byName).containsEntry("scxgamer.event.nonblocking", "true");
        assertThat(byName.get("scxgamer.event.lanes")).isNotNull();
        assertThat(byName.get("scxgamer.event.lanes").split("\\s+")).containsExactlyInAnyOrder("MOUSE", "KEYBOARD", "CONTROLLER");
    }
}

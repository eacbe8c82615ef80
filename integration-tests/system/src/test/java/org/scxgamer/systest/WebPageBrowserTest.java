package org.scxgamer.systest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page as a person sees it: Debian's Chromium (headless) driven through Debian's chromedriver
 * (nothing downloaded), logs in with the generated password, sees the core parts' states, and the
 * lane plot moves while events are injected through the runtime's Gogo shell (scx:inject).
 */
class WebPageBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private static void assertPartsAndMovingPlot(ChromeDriver driver, WebDriverWait wait, RuntimeProcess rt)
            throws Exception {
        // every core part is listed with its state and reason, as scx:status says
        // the page redraws its tables twice a second: read a table in one script call, not row by row
        String rowsScript = "return Array.from(document.querySelectorAll('#parts tbody tr'))"
                + ".map(r => Array.from(r.cells).map(c => c.textContent).join('|'))";
        wait.until(d -> ((List<?>) driver.executeScript(rowsScript)).size() >= 4);
        @SuppressWarnings("unchecked")
        List<String> rows = (List<String>) driver.executeScript(rowsScript);
        assertThat(rows.stream().map(r -> r.split("\\|")[0]).toList())
                .contains("BUFFERS", "INJECTOR", "INPUT_HOOK", "SCHEDULER");
        rows.forEach(r -> assertThat(r.split("\\|")[1]).as(r).isIn("ACTIVE", "DISABLED", "UNAVAILABLE", "FAILED"));
        assertThat(rows).as("the injector runs on this host").anyMatch(r -> r.startsWith("INJECTOR|ACTIVE"));
        assertThat(driver.findElement(By.id("scheduler")).getText()).contains("kernel state");

        // inject mouse events for a few seconds: the plot's newest mouse rate goes above 0
        WebElement plot = driver.findElement(By.id("plot"));
        String before = (String) driver.executeScript("return arguments[0].toDataURL()", plot);
        for (int i = 0; i < 12; i++) {
            rt.shell("scx:inject --lane mouse 400");
            Thread.sleep(250);
        }
        wait.until(d -> Double.parseDouble(plot.getAttribute("data-last").split(",")[0]) > 0);
        String after = (String) driver.executeScript("return arguments[0].toDataURL()", plot);
        assertThat(after).as("the plot was redrawn with the injected events").isNotEqualTo(before);
        assertThat(rt.log()).doesNotContain("CommandNotFoundException");
        // the web bundle's own subscriber measured the kernel→plugin latency of those events
        wait.until(d -> d.findElement(By.id("latwin")).getText().matches(".*since start: [1-9]\\d*\\).*"));

        // the injector's mouse is a connected device (learned on its first event) with every injected event
        String devicesScript = rowsScript.replace("#parts", "#devices");
        wait.until(d -> ((List<?>) driver.executeScript(devicesScript)).stream()
                .anyMatch(r -> r.toString().matches("\\d+\\|injected\\|0003:5358:0001\\|auto\\|4800\\|0\\|.* s\\|first-event")));
    }

    @Test
    void logsInSeesPartStatesAndThePlotMovesWhileEventsAreInjected() throws Exception {
        assertThat(CHROMIUM).as("Debian package chromium (scripts/install-toolchain.sh)").exists();
        assertThat(CHROMEDRIVER).as("Debian package chromium-driver (scripts/install-toolchain.sh)").exists();
        // Foreground mode: the Gogo shell reads the test's commands from stdin.
        try (RuntimeProcess rt = RuntimeProcess.prepare("browser").start(false, List.of()).awaitWeb()) {
            Path profile = Files.createTempDirectory("scxgamer-chromium-");
            ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile()).addArguments("--headless",
                    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", "--window-size=1400,1400",
                    "--user-data-dir=" + profile);
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
            ChromeDriver driver = new ChromeDriver(service, options);
            try {
                WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
                driver.get(RuntimeProcess.PAGE + "/scxgamer/");
                driver.findElement(By.id("password")).sendKeys(rt.password());
                driver.findElement(By.id("submit")).click();
                wait.until(d -> d.findElement(By.id("conn")).getText().startsWith("live"));

                assertPartsAndMovingPlot(driver, wait, rt);

                File shot = driver.getScreenshotAs(OutputType.FILE);
                Path kept = RuntimeProcess.ARTIFACTS.resolve("web-page.png");
                Files.copy(shot.toPath(), kept, StandardCopyOption.REPLACE_EXISTING);
                System.out.println("screenshot: " + kept);
            } finally {
                driver.quit();
                try (var walk = Files.walk(profile)) {
                    walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }
}

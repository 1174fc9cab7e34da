package dev.herald.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.herald.channel.testkit.HttpPeer;
import dev.herald.config.ConfigLoader;
import dev.herald.config.SecretResolver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser: headless Chromium driven by ChromeDriver (Debian's {@code chromium} and
 * {@code chromium-driver}) against a Herald on loopback whose webhook peer answers 410, then 200. The operator signs
 * in with the form, finds the failed message by its dispatch id, replays it and sees it delivered. Skipped without
 * the browser and its driver, unless {@code HERALD_REQUIRE_SERVICES=1}. The SQLite run saves a screenshot (1400 px
 * wide) to {@code target/console.png}; {@code -Dherald.console.screenshot=docs/console.png} refreshes the one the
 * README shows (a test run leaves the tracked file alone).
 */
final class ConsoleBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private final AtomicBoolean gone = new AtomicBoolean(true);
    private HttpPeer peer;
    private GatewayFixture gw;
    private WebDriver browser;

    /** Debian's browser and driver, where the packages put them (or on the PATH). */
    static Optional<Path[]> chromium() {
        Optional<Path> browser = firstExecutable("/usr/bin/chromium", "/usr/bin/chromium-browser");
        Optional<Path> driver = firstExecutable("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
        return browser.isPresent() && driver.isPresent()
                ? Optional.of(new Path[] {browser.get(), driver.get()}) : Optional.empty();
    }

    private static Optional<Path> firstExecutable(String... candidates) {
        for (String c : candidates) {
            Path p = Path.of(c);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    @BeforeEach
    void start() throws Exception {
        Optional<Path[]> found = chromium();
        if (found.isEmpty() && "1".equals(System.getenv("HERALD_REQUIRE_SERVICES"))) {
            fail("HERALD_REQUIRE_SERVICES=1 but no chromium and chromedriver (apt-get install chromium chromium-driver)");
        }
        assumeTrue(found.isPresent(), "no chromium and chromedriver (apt-get install chromium chromium-driver)");
        peer = new HttpPeer().answer(ex -> HttpPeer.reply(ex,
                ex.getRequestURI().getPath().startsWith("/gone") && gone.get() ? 410 : 200, Map.of(), "{}"));
        gw = GatewayFixture.start(dir, ConfigLoader.parse(GatewayFixture.yaml(dir, ConsoleTest.workspaces()),
                SecretResolver.withEnvironment(Map.of())), GatewayFixture.clock(java.time.Clock.systemUTC()));
        browser = open(found.get()[0], found.get()[1]);
    }

    private static WebDriver open(Path chromium, Path chromedriver) {
        // A driver given by path: Selenium Manager never looks for (or downloads) one.
        var service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort().build();
        var options = new ChromeOptions().setBinary(chromium.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--window-size=1400,1100", "--force-device-scale-factor=1");
        WebDriver driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(1400, 1100));
        return driver;
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (gw != null) {
            gw.close();
        }
        if (peer != null) {
            peer.close();
        }
    }

    @Test
    void anOperatorSignsInFindsTheFailedMessageReplaysItAndSeesItDelivered() throws Exception {
        for (int i = 0; i < 3; i++) {
            String ok = gw.accept(ConsoleTest.ADMIN, GatewayFixture.webhookSend("ok" + i, peer.url("/ok"), "ok"));
            gw.awaitStatus(ConsoleTest.ADMIN, ok, GatewayFixture::settled);
        }
        String failed = gw.accept(ConsoleTest.ADMIN, GatewayFixture.webhookSend("bad", peer.url("/gone"), "bad"));
        gw.awaitStatus(ConsoleTest.ADMIN, failed, s -> GatewayFixture.allDeliveries(s, "failed"));

        String console = "http://127.0.0.1:" + gw.herald.opsPort() + "/console/";
        browser.get(console);
        var wait = new WebDriverWait(browser, WAIT);
        WebElement keyField = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-key")));
        keyField.sendKeys(ConsoleTest.ADMIN);
        browser.findElement(By.cssSelector("#login-form button[type=submit]")).click();

        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("workspace"), "console"));
        By failedRow = By.xpath("//table[@id='dead-table']//tr[.//a[@data-dispatch='" + failed + "']]");
        WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(failedRow));
        assertTrue(row.getText().contains("HTTP 410"), row.getText());
        assertFalse(browser.getCurrentUrl().contains(ConsoleTest.ADMIN), "the key is never in the address");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("usage-table"), "webhook"));
        screenshot();

        gone.set(false);
        row.findElement(By.cssSelector("button.replay")).click();
        By replayed = By.xpath("//table[@id='replayed-table']//tr[.//a[@data-dispatch='" + failed + "']]");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(replayed, "delivered"));
        wait.until(ExpectedConditions.invisibilityOfElementLocated(failedRow));
        assertTrue(GatewayFixture.allDeliveries(gw.status(ConsoleTest.ADMIN, failed), "delivered"));

        // The message lookup shows the dispatch with its delivery and attempts.
        browser.findElement(By.cssSelector("#replayed-table a[data-dispatch='" + failed + "']")).click();
        By result = By.cssSelector("[data-dispatch-result='" + failed + "']");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(result, "delivered"));
        assertTrue(browser.findElement(result).getText().contains("external_id:bad"));

        // The other views: the webhook host's egress key with its last error, and the configuration without secrets.
        browser.findElement(By.cssSelector("#nav a[data-view=egress]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("egress-table"), "webhook:console/"));
        assertTrue(browser.findElement(By.id("egress-table")).getText().contains("HTTP 410"));
        browser.findElement(By.cssSelector("#nav a[data-view=config]")).click();
        By workspace = By.cssSelector("#config-body [data-section=workspace]");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(workspace, "auth_token"));
        String config = browser.findElement(By.id("config-body")).getText();
        assertTrue(config.contains("set") && !config.contains("tw-console-secret"), config);
    }

    @Test
    void aKeyInTheFragmentSignsInAndLeavesTheAddressBar() {
        browser.get("http://127.0.0.1:" + gw.herald.opsPort() + "/console/#key=" + ConsoleTest.ADMIN);
        var wait = new WebDriverWait(browser, WAIT);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("workspace"), "console"));
        assertFalse(browser.getCurrentUrl().contains(ConsoleTest.ADMIN), browser.getCurrentUrl());
        assertEquals(ConsoleTest.ADMIN, ((JavascriptExecutor) browser)
                .executeScript("return sessionStorage.getItem('herald.console.key')"));

        browser.findElement(By.id("logout")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-key")));
        assertEquals(null, ((JavascriptExecutor) browser)
                .executeScript("return sessionStorage.getItem('herald.console.key')"));

        // A key without herald.admin is turned away with the reason.
        browser.findElement(By.id("login-key")).sendKeys(ConsoleTest.SENDER);
        browser.findElement(By.cssSelector("#login-form button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("login-error"), "herald.admin"));
    }

    /** The README's picture of the console, from the SQLite run only (the PostgreSQL run would only redo it). */
    private void screenshot() throws Exception {
        if (GatewayFixture.POSTGRES) {
            return;
        }
        Path shot = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Path target = Path.of(System.getProperty("herald.console.screenshot", "target/console.png"));
        Files.createDirectories(target.toAbsolutePath().getParent());
        Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
    }
}

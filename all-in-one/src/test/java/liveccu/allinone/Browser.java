package liveccu.allinone;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import liveccu.testsupport.Eventually;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless chromium, driven through Debian's chromedriver: nothing is downloaded, and a
 * missing browser fails the test (a skipped browser test would hide a broken dashboard).
 */
final class Browser implements AutoCloseable {

    // `./liveccu test` installs Debian's packages at these paths, or passes the ones an operator chose.
    private static final Path CHROMIUM = executable("CCU_TEST_CHROMIUM", "/usr/bin/chromium");
    private static final Path CHROMEDRIVER = executable("CCU_TEST_CHROMEDRIVER", "/usr/bin/chromedriver");

    private static Path executable(String variable, String defaultPath) {
        String configured = System.getenv(variable);
        return Path.of(configured == null || configured.isBlank() ? defaultPath : configured);
    }

    private final ChromeDriver driver;
    private final Path downloads;
    private final Path screenshots;

    private Browser(ChromeDriver driver, Path downloads, Path screenshots) {
        this.driver = driver;
        this.downloads = downloads;
        this.screenshots = screenshots;
    }

    /**
     * @param workDir     a fresh directory for the browser profile and downloads
     * @param screenshots where {@link #screenshot} keeps its pictures (test artifacts)
     */
    static Browser start(Path workDir, Path screenshots) throws IOException {
        for (Path executable : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(executable)) {
                throw new IllegalStateException(executable + " is missing: `./liveccu test` installs chromium and"
                        + " chromium-driver, or set CCU_TEST_CHROMIUM and CCU_TEST_CHROMEDRIVER");
            }
        }
        Path downloads = Files.createDirectories(workDir.resolve("downloads"));
        Files.createDirectories(screenshots);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1400,900", "--user-data-dir=" + workDir.resolve("profile"));
        options.setExperimentalOption("prefs", Map.of(
                "download.default_directory", downloads.toString(),
                "download.prompt_for_download", false));
        // An explicit driver executable keeps Selenium Manager from looking for (and fetching) one.
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30)).scriptTimeout(Duration.ofSeconds(10));
        return new Browser(driver, downloads, screenshots);
    }

    /** Loads the URL and waits for the page's load event. */
    void open(String url) {
        driver.get(url);
    }

    String currentUrl() {
        return driver.getCurrentUrl();
    }

    Object js(String script, Object... args) {
        return driver.executeScript(script, args);
    }

    WebElement find(String cssSelector) {
        return driver.findElement(By.cssSelector(cssSelector));
    }

    /**
     * Finds and clicks the element in one script: what the page redraws at every refresh (tables, the
     * filters) can be replaced between a {@link #find} and its click, which then fails as stale.
     */
    void click(String cssSelector) {
        Object clicked = driver.executeScript(
                "const element = document.querySelector(arguments[0]); element?.click(); return element !== null;", cssSelector);
        if (!Boolean.TRUE.equals(clicked)) {
            throw new NoSuchElementException("no element " + cssSelector + " to click");
        }
    }

    void back() {
        driver.navigate().back();
    }

    /** Cuts the page off the network, as when the API goes down or the screen's network fails. */
    void offline(boolean offline) {
        driver.executeCdpCommand("Network.enable", Map.of());
        driver.executeCdpCommand("Network.emulateNetworkConditions", Map.of(
                "offline", offline, "latency", 0, "downloadThroughput", -1, "uploadThroughput", -1));
    }

    /** Waits for a finished download whose name ends with the suffix, and answers its text (taking the file away). */
    String awaitDownload(String nameEnd) {
        Path file = Eventually.await(Duration.ofSeconds(15), "a download ending " + nameEnd, () -> {
            try (Stream<Path> files = Files.list(downloads)) {
                return files.filter(f -> f.getFileName().toString().endsWith(nameEnd)).findFirst().orElse(null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, f -> f != null);
        try {
            String text = Files.readString(file);
            Files.delete(file);  // the next download with this suffix is a new one
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The whole page, not only the window: the chart and its table sit below the fold. */
    void screenshot(String name) throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> page = (Map<String, Object>) driver.executeScript("return {width:"
                + " document.documentElement.scrollWidth, height: document.documentElement.scrollHeight};");
        Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of(
                "captureBeyondViewport", true,
                "clip", Map.of("x", 0, "y", 0, "width", page.get("width"), "height", page.get("height"), "scale", 1)));
        Files.write(screenshots.resolve(name + ".png"), Base64.getDecoder().decode((String) shot.get("data")));
    }

    @Override
    public void close() {
        driver.quit();
    }
}

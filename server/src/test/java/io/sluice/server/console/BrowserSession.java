package io.sluice.server.console;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium driven through its chromedriver (bin/install-deps.sh installs both), headless, with a fresh
 * profile and nothing that reaches the network on its own; no Selenium Manager (it would download a driver).
 * Where Chromium is missing, the test is skipped with the reason.
 */
final class BrowserSession implements AutoCloseable {

    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    final ChromeDriver driver;
    private final Path profile;

    private BrowserSession(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    static BrowserSession start() throws Exception {
        boolean present = Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER));
        if (!present) {
            System.out.println("console browser tests skipped: " + CHROMIUM + " or " + CHROMEDRIVER
                    + " missing (bin/install-deps.sh installs chromium and chromium-driver)");
        }
        assumeTrue(present, CHROMIUM + " or " + CHROMEDRIVER + " missing: run bin/install-deps.sh (chromium, chromium-driver)");
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
        System.setProperty("SE_OFFLINE", "true");
        Path profile = Files.createTempDirectory("sluice-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1000", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return new BrowserSession(driver, profile);
    }

    <T> T await(Duration max, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, max, Duration.ofMillis(100)).ignoring(
                org.openqa.selenium.StaleElementReferenceException.class).until(condition);
    }

    <T> T await(Function<WebDriver, T> condition) {
        return await(Duration.ofSeconds(30), condition);
    }

    /** The text of the first element matching {@code css}, "" when there is none (yet). */
    String text(String css) {
        return driver.findElements(By.cssSelector(css)).stream().findFirst().map(WebElement::getText).orElse("");
    }

    void open(String url) {
        driver.get(url);
    }

    void logIn(String base, String user, String password) {
        open(base + "/console/");
        await(d -> d.findElement(By.id("login-user")).isDisplayed());
        driver.findElement(By.id("login-user")).sendKeys(user);
        driver.findElement(By.id("login-password")).sendKeys(password);
        driver.findElement(By.id("login-submit")).click();
    }

    /**
     * Saves the page as {@code <dir>/<name>.png} when {@code -Dsluice.console.screenshots=<dir>} is set (relative
     * to the project root), so that an ordinary test run leaves the tree alone.
     */
    void screenshot(String name) throws Exception {
        String dir = System.getProperty("sluice.console.screenshots", "");
        if (dir.isBlank()) {
            return;
        }
        Path target = Path.of(dir);
        if (!target.isAbsolute()) {
            Path cwd = Path.of("").toAbsolutePath();
            Path root = Files.exists(cwd.resolve("server")) ? cwd : cwd.getParent();
            target = root.resolve(dir);
        }
        Files.createDirectories(target);
        Path shot = driver.getScreenshotAs(OutputType.FILE).toPath();
        Path png = target.resolve(name + ".png");
        Files.copy(shot, png, StandardCopyOption.REPLACE_EXISTING);
        // Selenium's temporary file is owner-only; the docs' picture is for everyone
        Files.setPosixFilePermissions(png, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    }

    @Override
    public void close() throws Exception {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}

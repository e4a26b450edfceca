package io.sluice.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.server.SluiceServer;
import io.sluice.server.config.ConfigLoader;
import io.sluice.server.instance.Batch;
import io.sluice.server.instance.Destination;
import io.sluice.server.meta.ClientIdentity;
import io.sluice.server.metrics.AdminCredentials;
import io.sluice.testkit.FreePort;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;

/**
 * The console of one server (file configuration) in a real browser, over the private MariaDB: logging in (and
 * a wrong password seeing nothing), the overview's numbers moving while a writer runs, dropping a client id and
 * re-reading a table from the destination page.
 */
@ExtendWith(TestDatabaseExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ConsoleBrowserIT {

    private static final String DEST = "con";
    private static final String USER = "ops";
    private static final String PASSWORD = "op-pass";

    private static Path conf;
    private static SluiceServer server;
    private static BrowserSession browser;
    private static String base;
    private static TestDatabase db;

    @BeforeAll
    static void startServerAndBrowser(TestDatabase database) throws Exception {
        db = database;
        db.execute("CREATE DATABASE IF NOT EXISTS con", "DROP TABLE IF EXISTS con.t", "DROP TABLE IF EXISTS con.snap",
                "CREATE TABLE con.t (id INT AUTO_INCREMENT PRIMARY KEY, v INT)",
                "CREATE TABLE con.snap (id INT PRIMARY KEY, v VARCHAR(20))");
        StringBuilder rows = new StringBuilder("INSERT INTO con.snap VALUES ");
        for (int i = 1; i <= 300; i++) {
            rows.append(i == 1 ? "" : ",").append("(").append(i).append(",'row ").append(i).append("')");
        }
        db.execute(rows.toString());
        conf = Files.createTempDirectory("console-it-");
        int statusPort = FreePort.find();
        Files.createDirectories(conf.resolve(DEST));
        Files.writeString(conf.resolve("canal.properties"), "canal.port = " + FreePort.find()
                + "\ncanal.metrics.pull.port = " + statusPort + "\ncanal.destinations = " + DEST + "\ncanal.user = " + USER
                + "\ncanal.passwd = " + AdminCredentials.doubleSha1Hex(PASSWORD) + "\nsluice.admin.ip = 127.0.0.1\n"
                + "canal.file.data.dir = " + conf.resolve("data") + "\n");
        TestDatabase.BinlogCoordinates start = db.masterStatus();
        Files.writeString(conf.resolve(DEST + "/instance.properties"), "canal.instance.master.address = " + db.address()
                + "\ncanal.instance.master.journal.name = " + start.file()
                + "\ncanal.instance.master.position = " + start.position()
                + "\ncanal.instance.dbUsername = canal\ncanal.instance.dbPassword = canal\n"
                + "canal.instance.filter.regex = con\\\\..*\n");
        ConfigLoader loader = ConfigLoader.fromEnvironment();
        server = new SluiceServer(loader.loadServer(conf.resolve("canal.properties")), loader,
                conf.resolve("logs/sluice.ready"));
        server.start();
        base = "http://127.0.0.1:" + statusPort;
        browser = BrowserSession.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aWrongPasswordSeesNothing() throws Exception {
        browser.logIn(base, USER, "not-the-password");
        browser.await(d -> browser.text("#login-error").contains("Wrong credentials"));
        browser.screenshot("login");
        assertThat(browser.driver.findElement(By.id("app")).isDisplayed()).isFalse();
        assertThat(browser.driver.findElements(By.cssSelector("#destinations, #servers"))).isEmpty();
        assertThat(browser.driver.getPageSource()).doesNotContain(db.address()).doesNotContain("con.snap");
        // what the page would have asked for is refused without the credentials
        HttpResponse<String> status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/status"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(status.statusCode()).isEqualTo(401);
        assertThat(status.body()).doesNotContain(DEST);
    }

    @Test
    void theOverviewShowsThePositionMovingWhileAWriterRuns() throws Exception {
        logIn();
        String row = "#destinations tr[data-destination='" + DEST + "']";
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> {
            for (int i = 0; i < 600 && writing.get(); i++) {
                db.execute("INSERT INTO con.t (v) VALUES (" + i + ")");
                sleep(50);
            }
        }, "console-writer");
        writer.start();
        try {
            // the position shows from the first event parsed
            browser.await(d -> browser.text(row + " td.state").equals("RUNNING")
                    && !browser.text(row + " td.position").isEmpty());
            assertThat(browser.text("#servers tr td")).endsWith(":" + server.clientPort() + " (this server)");
            List<String> positions = new ArrayList<>();
            positions.add(browser.text(row + " td.position"));
            for (int i = 0; i < 2; i++) {
                browser.await(d -> !browser.text(row + " td.position").equals(positions.get(positions.size() - 1)));
                positions.add(browser.text(row + " td.position"));
            }
            assertThat(positions).doesNotHaveDuplicates();
            browser.await(d -> !browser.text(row + " td.rate").isEmpty() && Double.parseDouble(browser.text(row + " td.rate")) > 0);
            assertThat(browser.text(row + " td.delay")).matches("[0-9.]+ (ms|s|min)");
            browser.screenshot("overview");
        } finally {
            writing.set(false);
            writer.join();
        }
    }

    @Test
    void aClientIdIsDroppedFromTheDestinationPage() throws Exception {
        ClientIdentity client = new ClientIdentity(DEST, (short) 1001);
        Destination d = server.registry().find(DEST).orElseThrow();
        d.subscribe(client, "");
        db.execute("INSERT INTO con.t (v) VALUES (-1)");
        Batch batch = d.getWithoutAck(client, 10, 2, TimeUnit.SECONDS);
        if (batch.id() != -1) {
            d.ack(client, batch.id());
        }
        logIn();
        browser.open(base + "/console/#/destination/" + DEST);
        String row = "#clients tr[data-client='1001']";
        browser.await(x -> !browser.driver.findElements(By.cssSelector(row)).isEmpty());
        browser.screenshot("destination");
        browser.driver.findElement(By.cssSelector(row + " button.drop")).click();
        browser.await(x -> x.switchTo().alert()).accept();
        browser.await(x -> browser.text("#notice").contains("dropped"));
        browser.await(x -> browser.driver.findElements(By.cssSelector(row)).isEmpty());
        assertThat(d.isSubscribed(client)).isFalse();
    }

    @Test
    void aTableReReadIsRequestedAndItsProgressShows() throws Exception {
        logIn();
        browser.open(base + "/console/#/destination/" + DEST);
        browser.await(x -> !browser.driver.findElements(By.id("snapshot-table")).isEmpty()
                && !browser.text("#snapshots td.snapshot-state").isEmpty());
        long before = Long.parseLong(browser.text("#snapshots td.snapshot-rows"));
        browser.driver.findElement(By.id("snapshot-table")).sendKeys("con.snap");
        browser.driver.findElement(By.id("snapshot-request")).click();
        browser.await(x -> browser.text("#notice").contains("queued"));
        browser.await(Duration.ofSeconds(60), x -> Long.parseLong(browser.text("#snapshots td.snapshot-rows")) >= before + 300);
        browser.screenshot("snapshot");
        assertThat(browser.text("#schema")).contains("con.snap");
    }

    private static void logIn() {
        browser.driver.manage().deleteAllCookies();
        browser.open(base + "/console/");
        browser.driver.executeScript("sessionStorage.clear()");
        browser.logIn(base, USER, PASSWORD);
        browser.await(d -> d.findElement(By.id("app")).isDisplayed() && !browser.text("#destinations").isEmpty());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

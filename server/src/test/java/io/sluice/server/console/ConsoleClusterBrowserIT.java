package io.sluice.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.server.SluiceServer;
import io.sluice.server.config.ConfigLoader;
import io.sluice.server.config.zookeeper.ZkConfigStore;
import io.sluice.server.ha.DestinationElection;
import io.sluice.server.metrics.AdminCredentials;
import io.sluice.testkit.FreePort;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The console of a two-server cluster (ZooKeeper from curator-test, configuration in ZooKeeper) in a real
 * browser: both servers on the overview, a filter edited and the destination restarted with it, an invalid edit
 * refused with the server's message, and the destination moved to the other server.
 */
@ExtendWith(TestDatabaseExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ConsoleClusterBrowserIT {

    private static final String DEST = "zkcon";
    private static final String USER = "ops";
    private static final String PASSWORD = "cluster-pass";

    private static final List<AutoCloseable> toClose = new ArrayList<>();
    private static TestingServer zookeeper;
    private static ZkConfigStore store;
    private static final List<SluiceServer> servers = new ArrayList<>();
    private static final List<String> addresses = new ArrayList<>();
    private static final List<Integer> adminPorts = new ArrayList<>();
    private static BrowserSession browser;
    private static TestDatabase db;
    /** Index of the server that runs the destination at first (its preferred one), and of the other one. */
    private static int active;
    private static int other;

    @BeforeAll
    static void startCluster(TestDatabase database) throws Exception {
        db = database;
        zookeeper = new TestingServer(true);
        toClose.add(zookeeper);
        CuratorFramework zk = CuratorFrameworkFactory.newClient(zookeeper.getConnectString(), new RetryOneTime(100));
        zk.start();
        toClose.add(zk);
        store = new ZkConfigStore(zk);
        db.execute("CREATE DATABASE IF NOT EXISTS zkcon", "DROP TABLE IF EXISTS zkcon.a", "DROP TABLE IF EXISTS zkcon.b",
                "CREATE TABLE zkcon.a (id INT PRIMARY KEY)", "CREATE TABLE zkcon.b (id INT PRIMARY KEY)");
        TestDatabase.BinlogCoordinates start = db.masterStatus();
        store.push(DEST, "canal.instance.master.address = " + db.address() + "\n"
                + "canal.instance.master.journal.name = " + start.file() + "\n"
                + "canal.instance.master.position = " + start.position() + "\n"
                + "canal.instance.dbUsername = canal\ncanal.instance.dbPassword = canal\n"
                + "canal.instance.filter.regex = zkcon\\\\.a\n", -1);
        Path dir = Files.createTempDirectory("console-cluster-");
        for (String name : List.of("one", "two")) {
            servers.add(server(dir.resolve(name)));
        }
        // the destination settles on its preferred server (spreading hands it there if the other one took it first)
        active = addresses.indexOf(DestinationElection.preferredMember(DEST, addresses));
        other = 1 - active;
        await(() -> servers.get(active).registry().find(DEST).isPresent()
                && servers.get(other).registry().find(DEST).isEmpty());
        browser = BrowserSession.start();
    }

    private static SluiceServer server(Path conf) throws Exception {
        Files.createDirectories(conf);
        int port = FreePort.find();
        int admin = FreePort.find();
        Files.writeString(conf.resolve("canal.properties"), String.join("\n",
                "canal.port = " + port,
                "canal.register.ip = 127.0.0.1",
                "canal.metrics.pull.port = " + admin,
                "sluice.admin.ip = 127.0.0.1",
                "canal.user = " + USER,
                "canal.passwd = " + AdminCredentials.doubleSha1Hex(PASSWORD),
                "canal.zkServers = " + zookeeper.getConnectString(),
                "sluice.config.source = zookeeper",
                "canal.file.data.dir = " + conf.resolve("data"),
                "canal.auto.scan.interval = 60",
                ""));
        ConfigLoader loader = ConfigLoader.fromEnvironment();
        SluiceServer server = new SluiceServer(loader.loadServer(conf.resolve("canal.properties")), loader,
                conf.resolve("logs/sluice.ready"));
        toClose.add(server);
        server.start();
        addresses.add("127.0.0.1:" + port);
        adminPorts.add(admin);
        return server;
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @Test
    @Order(1)
    void theOverviewShowsBothServersAndWhoRunsTheDestination() throws Exception {
        logIn(active);
        browser.await(d -> browser.driver.findElements(By.cssSelector("#servers tbody tr")).size() == 2);
        String row = "#destinations tr[data-destination='" + DEST + "']";
        browser.await(d -> browser.text(row + " td.master").equals(addresses.get(active)));
        assertThat(browser.text("#servers tr[data-server='" + addresses.get(active) + "'] td.active")).isEqualTo(DEST);
        browser.await(d -> browser.text("#servers tr[data-server='" + addresses.get(other) + "'] td.standby").equals(DEST));
        browser.screenshot("overview-cluster");
    }

    @Test
    @Order(2)
    void anEditedFilterIsSavedAndTheDestinationRestartsWithIt() throws Exception {
        logIn(active);
        browser.open(base(active) + "/console/#/config/" + DEST);
        WebElement text = browser.await(d -> d.findElement(By.id("config-text")));
        String shown = text.getAttribute("value");
        assertThat(shown).contains("canal.instance.dbPassword = ****").doesNotContain("dbPassword = canal");
        replace(text, shown.replace("zkcon\\\\.a", "zkcon\\\\.b"));
        browser.driver.findElement(By.id("config-save")).click();
        browser.await(d -> browser.text("#config-message").contains("saved"));
        browser.await(Duration.ofSeconds(60), d -> filterOf(servers.get(active)).equals("zkcon\\.b")
                && servers.get(active).registry().find(DEST).isPresent());
        // the masked password was kept: the destination runs again and streams with the new filter
        assertThat(store.pull(DEST).orElseThrow().text()).contains("dbPassword = canal").contains("zkcon\\\\.b");
        // the page reloads itself after a save: version 1 now, version 0 in the history, and it is what runs
        browser.await(d -> browser.text("#config-history").contains("Roll back")
                && browser.text("#config-diff").contains("is the one running"));
        assertThat(browser.text("#config-history tr[data-version='0']")).contains("0");
        browser.screenshot("config");
        browser.open(base(active) + "/console/#/destination/" + DEST);
        browser.await(d -> browser.text("#filter code.include").equals("zkcon\\.b"));
        db.execute("INSERT INTO zkcon.b VALUES (1)");
        browser.await(Duration.ofSeconds(30), d -> browser.text("#rows").equals("1"));
    }

    @Test
    @Order(3)
    void anInvalidEditIsRefusedWithTheServersMessage() throws Exception {
        int version = store.pull(DEST).orElseThrow().version();
        logIn(active);
        browser.open(base(active) + "/console/#/config/" + DEST);
        WebElement text = browser.await(d -> d.findElement(By.id("config-text")));
        replace(text, text.getAttribute("value") + "canal.instance.memory.buffer.size = 1000\n");
        browser.driver.findElement(By.id("config-check")).click();
        browser.await(d -> browser.text("#config-message").contains("canal.instance.memory.buffer.size"));
        String refused = browser.text("#config-message");
        browser.driver.findElement(By.id("config-save")).click();
        browser.await(d -> browser.driver.findElement(By.id("config-message")).getAttribute("class").equals("error"));
        browser.screenshot("config-refused");
        assertThat(browser.text("#config-message")).isEqualTo(refused);
        assertThat(store.pull(DEST).orElseThrow().version()).as("nothing stored").isEqualTo(version);
        assertThat(filterOf(servers.get(active))).isEqualTo("zkcon\\.b");
    }

    @Test
    @Order(4)
    void aRollbackStoresAnEarlierVersionAgain() throws Exception {
        logIn(active);
        browser.open(base(active) + "/console/#/config/" + DEST);
        String version0 = "#config-history tr[data-version='0']";
        browser.await(d -> !d.findElements(By.cssSelector(version0 + " button.rollback")).isEmpty());
        browser.driver.findElement(By.cssSelector(version0 + " button.rollback")).click();
        browser.await(d -> d.switchTo().alert()).accept();
        browser.await(d -> browser.text("#config-message").contains("rolled back to version 0"));
        browser.await(Duration.ofSeconds(60), d -> filterOf(servers.get(active)).equals("zkcon\\.a")
                && servers.get(active).registry().find(DEST).isPresent());
        assertThat(store.pull(DEST).orElseThrow().text()).contains("dbPassword = canal").contains("zkcon\\\\.a");
    }

    @Test
    @Order(5)
    void aDestinationIsMovedToTheOtherServer() throws Exception {
        logIn(active);
        browser.open(base(active) + "/console/#/ha");
        String row = "#ha tr[data-destination='" + DEST + "']";
        browser.await(d -> browser.text(row + " td.holder").equals(addresses.get(active))
                && !d.findElements(By.cssSelector(row + " select.move-to")).isEmpty());
        new Select(browser.driver.findElement(By.cssSelector(row + " select.move-to"))).selectByValue(addresses.get(other));
        browser.driver.findElement(By.cssSelector(row + " button.move")).click();
        browser.await(d -> d.switchTo().alert()).accept();
        browser.await(d -> browser.text("#notice").contains("requested"));
        browser.await(Duration.ofSeconds(60), d -> browser.text(row + " td.holder").equals(addresses.get(other)));
        browser.screenshot("ha");
        await(() -> servers.get(other).registry().find(DEST).isPresent());
        assertThat(servers.get(active).registry().find(DEST)).as("the old server stands by").isEmpty();
        // the move pins it: spreading (on by default, after 10 s) does not hand it back to its hash-preferred server
        Thread.sleep(15_000);
        assertThat(servers.get(other).registry().find(DEST)).as("still on the server it was moved to").isPresent();
        assertThat(servers.get(active).registry().find(DEST)).isEmpty();
        db.execute("INSERT INTO zkcon.b VALUES (2)");
        browser.open(base(other) + "/console/");
        logIn(other);
        browser.open(base(other) + "/console/#/destination/" + DEST);
        browser.await(Duration.ofSeconds(30), d -> browser.text("#summary").contains("RUNNING")
                && !browser.text("#position").isEmpty());
    }

    private static String base(int server) {
        return "http://127.0.0.1:" + adminPorts.get(server);
    }

    private static void logIn(int server) {
        browser.open(base(server) + "/console/");
        browser.driver.executeScript("sessionStorage.clear()");
        browser.logIn(base(server), USER, PASSWORD);
        browser.await(d -> d.findElement(By.id("app")).isDisplayed() && !browser.text("#destinations").isEmpty());
    }

    /** Types the whole text anew, as an operator editing the field would leave it. */
    private static void replace(WebElement field, String text) {
        field.clear();
        field.sendKeys(text);
    }

    private static String filterOf(SluiceServer server) {
        return server.registry().instance(DEST).map(i -> i.config().filters().include()).orElse("");
    }

    private static void await(java.util.concurrent.Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.call()) {
            assertThat(System.nanoTime()).as("condition within 60 s").isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}

package io.sluice.testkit;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.MySQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * MySQL 8 in a Testcontainers container, for the same tests where a Docker daemon answers. Its binlog is ROW
 * with full images by default (MySQL 8 defaults), GTIDs off.
 */
public final class DockerMySql implements TestDatabase {

    private final MySQLContainer<?> container;

    private DockerMySql(MySQLContainer<?> container) {
        this.container = container;
    }

    /** Null when Docker answers, else why it does not. */
    public static String unavailableReason() {
        try {
            return DockerClientFactory.instance().isDockerAvailable() ? null : "no Docker daemon answers";
        } catch (Throwable t) {
            return "no Docker daemon answers (" + t.getClass().getSimpleName() + ")";
        }
    }

    @SuppressWarnings("resource")
    public static DockerMySql launch(String image) {
        MySQLContainer<?> c = new MySQLContainer<>(DockerImageName.parse(image))
                .withUsername("tc").withPassword("tc")
                .withCommand("--server-id=1", "--log-bin=mysql-bin", "--binlog-format=ROW",
                        "--binlog-row-image=FULL", "--character-set-server=utf8mb4");
        c.start();
        DockerMySql db = new DockerMySql(c);
        db.execute("CREATE USER IF NOT EXISTS 'root'@'%' IDENTIFIED BY ''",
                "GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION",
                "CREATE USER IF NOT EXISTS '" + REPLICATION_USER + "'@'%' IDENTIFIED WITH mysql_native_password BY '"
                        + REPLICATION_PASSWORD + "'",
                "GRANT SELECT, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '" + REPLICATION_USER + "'@'%'");
        return db;
    }

    @Override
    public String host() {
        return container.getHost();
    }

    @Override
    public int port() {
        return container.getMappedPort(3306);
    }

    @Override
    public String flavor() {
        return "MySQL";
    }

    @Override
    public java.sql.Connection connect() throws java.sql.SQLException {
        // root has no password inside the container only after the first statement; use the root password
        return java.sql.DriverManager.getConnection(jdbcUrl(null), "root", container.getPassword());
    }

    @Override
    public void stop() {
        container.getDockerClient().stopContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public void kill() {
        container.getDockerClient().killContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public void start() {
        container.getDockerClient().startContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public void close() {
        container.stop();
    }
}

package io.sluice.testkit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a {@link TestDatabase}: one server shared by all tests of a JVM, started on first use, stopped and
 * deleted when the JVM's tests end.
 *
 * <p>Which server: system property {@code sluice.test.database} = {@code mariadb} (default: a private
 * {@code mariadbd}, see {@link LocalMariaDb}) or {@code mysql} (MySQL 8.4 through Testcontainers; image from
 * {@code sluice.test.mysql.image}). A server that cannot run here aborts the test with the reason printed.
 */
public final class TestDatabaseExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(TestDatabaseExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == TestDatabase.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext context)
            throws ParameterResolutionException {
        return shared(context);
    }

    /** The JVM-wide server, started on first call. */
    public static TestDatabase shared(ExtensionContext context) {
        String kind = System.getProperty("sluice.test.database", "mariadb");
        Holder holder = context.getRoot().getStore(NS).getOrComputeIfAbsent(kind, k -> new Holder(start(k)), Holder.class);
        return holder.database;
    }

    private static TestDatabase start(String kind) {
        switch (kind) {
            case "mariadb" -> {
                if (!LocalMariaDb.available()) {
                    skip("mariadbd is not installed (.ci/run installs mariadb-server)");
                }
                return LocalMariaDb.launch();
            }
            case "mysql" -> {
                String reason = DockerMySql.unavailableReason();
                if (reason != null) {
                    skip("MySQL in Docker: " + reason);
                }
                return DockerMySql.launch(System.getProperty("sluice.test.mysql.image", "mysql:8.4"));
            }
            default -> throw new IllegalArgumentException("sluice.test.database=" + kind + ": use mariadb or mysql");
        }
    }

    static void skip(String reason) {
        System.out.println("SKIPPED: " + reason);
        Assumptions.abort(reason);
    }

    /** Closes the server when the root context closes (end of the JVM's tests). */
    private record Holder(TestDatabase database) implements AutoCloseable {
        @Override
        public void close() {
            database.close();
        }
    }
}

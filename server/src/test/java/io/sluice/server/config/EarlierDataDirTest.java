package io.sluice.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class EarlierDataDirTest {

    @TempDir
    Path root;

    private ServerConfig shippedLine() throws IOException {
        Path conf = root.resolve("conf");
        Files.createDirectories(conf.resolve("example"));
        Files.writeString(conf.resolve("canal.properties"),
                "canal.conf.dir = ../conf\ncanal.file.data.dir = ${canal.conf.dir}\n");
        Files.writeString(conf.resolve("example/instance.properties"), "canal.instance.master.address=h:1\n");
        return new ConfigLoader(new Properties(), Map.of(), new ConfigNotices())
                .loadServer(conf.resolve("canal.properties"));
    }

    @Test
    void metaInTheLiteralPlaceholderFolderMovesToWhereCanalKeepsIt() throws IOException {
        ServerConfig s = shippedLine();
        Path conf = root.resolve("conf").toAbsolutePath().normalize();
        assertThat(s.fileDataDir()).isEqualTo(conf);
        assertThat(s.earlierFileDataDir()).isEqualTo(conf.resolve("${canal.conf.dir}"));
        Path old = s.earlierFileDataDir().resolve("example");
        Files.createDirectories(old);
        Files.writeString(old.resolve("meta.dat"), "{\"clientDatas\":[],\"destination\":\"example\"}");
        Files.writeString(old.resolve("meta.dat.bak"), "{}");
        Files.writeString(old.resolve("example.schema-history.json"), "[]");
        Files.writeString(old.resolve("notes.txt"), "mine");

        EarlierDataDir.adopt(s.earlierFileDataDir(), s.fileDataDir());

        assertThat(conf.resolve("example/meta.dat")).hasContent("{\"clientDatas\":[],\"destination\":\"example\"}");
        assertThat(conf.resolve("example/meta.dat.bak")).exists();
        assertThat(conf.resolve("example/example.schema-history.json")).exists();
        assertThat(conf.resolve("example/instance.properties")).exists();
        assertThat(old.resolve("meta.dat")).doesNotExist();
        assertThat(old.resolve("notes.txt")).exists();
        assertThat(conf.resolve("example/notes.txt")).doesNotExist();
    }

    @Test
    void metaInBothPlacesStopsTheStartNamingBoth() throws IOException {
        ServerConfig s = shippedLine();
        Path old = s.earlierFileDataDir().resolve("example");
        Files.createDirectories(old);
        Files.writeString(old.resolve("meta.dat"), "{}");
        Path canals = s.fileDataDir().resolve("example/meta.dat");
        Files.writeString(canals, "{\"canal\":1}");

        assertThatThrownBy(() -> EarlierDataDir.adopt(s.earlierFileDataDir(), s.fileDataDir()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(canals.toString())
                .hasMessageContaining(old.resolve("meta.dat").toString());
        assertThat(canals).hasContent("{\"canal\":1}");
        assertThat(old.resolve("meta.dat")).exists();
    }

    @Test
    void nothingToDoWhenNoEarlierFolderExists() throws IOException {
        ServerConfig s = shippedLine();
        EarlierDataDir.adopt(s.earlierFileDataDir(), s.fileDataDir());
        EarlierDataDir.adopt(null, s.fileDataDir());
        assertThat(s.earlierFileDataDir()).doesNotExist();
    }
}

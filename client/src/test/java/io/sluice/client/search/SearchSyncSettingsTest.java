package io.sluice.client.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class SearchSyncSettingsTest {

    private static Properties base() {
        Properties p = new Properties();
        p.setProperty("sluice.address", "127.0.0.1:11111");
        p.setProperty("sluice.destination", "example");
        p.setProperty("sync.tables", "shop.user,shop.Order");
        return p;
    }

    @Test
    void defaultsIndexPerTableFromTheTemplateAndNoMetricsPort() {
        SearchSyncSettings s = SearchSyncSettings.fromProperties(base());
        assertThat(s.urls()).extracting(Object::toString).containsExactly("http://127.0.0.1:9200");
        assertThat(s.mapping("shop", "order").index()).isEqualTo("shop_order");
        assertThat(s.partialUpdates()).isTrue();
        assertThat(s.idSeparator()).isEqualTo("_");
        assertThat(s.sync().metricsPort()).isZero();
        assertThat(s.sync().progressInterval()).hasSeconds(10);
        assertThat(s.subscribeFilter()).isEqualTo("shop\\.user,shop\\.Order");
    }

    @Test
    void theLogNameLeavesOutCredentialsInTheUrl() {
        Properties p = base();
        p.setProperty("search.urls", "https://admin:s3cret@es1:9243, http://es2");
        p.setProperty("search.password", "other");
        SearchSyncSettings s = SearchSyncSettings.fromProperties(p);
        assertThat(s.searchName()).isEqualTo("https://es1:9243,http://es2:9200");
        assertThat(s.toString()).doesNotContain("s3cret").doesNotContain("other");
    }

    @Test
    void wrongValuesNameTheirKey() {
        Properties p = base();
        p.setProperty("search.urls", "es1:9200");
        assertThatThrownBy(() -> SearchSyncSettings.fromProperties(p)).isInstanceOf(SearchSyncSettingsException.class)
                .hasMessageContaining("search.urls");
        Properties q = base();
        q.setProperty("sync.table.shop.user.index", "a*b");
        assertThatThrownBy(() -> SearchSyncSettings.fromProperties(q)).hasMessageContaining("sync.table.shop.user.index");
        Properties r = base();
        r.setProperty("sync.metrics.port", "x");
        assertThatThrownBy(() -> SearchSyncSettings.fromProperties(r)).hasMessageContaining("sync.metrics.port");
        Properties t = base();
        t.setProperty("search.update", "merge");
        assertThatThrownBy(() -> SearchSyncSettings.fromProperties(t)).hasMessageContaining("search.update");
    }
}

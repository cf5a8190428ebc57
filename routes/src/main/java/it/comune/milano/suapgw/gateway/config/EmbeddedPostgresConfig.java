package it.comune.milano.suapgw.gateway.config;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;

/**
 * The embedded default: a real PostgreSQL started by the gateway, its data in a local directory that survives
 * restarts. Production sets suapgw.db.embedded=false and uses spring.datasource.*.
 */
@Configuration
@ConditionalOnProperty(name = "suapgw.db.embedded", havingValue = "true")
public class EmbeddedPostgresConfig {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresConfig.class);

    @Bean(destroyMethod = "close")
    public EmbeddedPostgres embeddedPostgres(GatewayProperties props) throws IOException {
        Path dir = Path.of(props.db().embeddedDataDir()).toAbsolutePath();
        Files.createDirectories(dir);
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(false)
                .setPort(props.db().embeddedPort())
                .start();
        log.info("Embedded PostgreSQL on port {} with data in {}", pg.getPort(), dir);
        return pg;
    }

    @Bean
    public DataSource dataSource(EmbeddedPostgres pg) {
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl(pg.getJdbcUrl("postgres", "postgres"));
        ds.setUsername("postgres");
        ds.setMaximumPoolSize(20);
        ds.setPoolName("suapgw-embedded");
        return ds;
    }
}

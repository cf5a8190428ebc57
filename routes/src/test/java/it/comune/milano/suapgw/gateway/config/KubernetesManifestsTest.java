package it.comune.milano.suapgw.gateway.config;

import it.comune.milano.suapgw.gateway.security.modi.ModiProperties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.FileSystemResource;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kubernetes manifests of config/k8s, read as YAML: what they promise (2 replicas, probes the gateway answers
 * anonymously on its port, graceful shutdown, memory) and that the gateway would start on them — every setting and
 * secret SecretsGuard asks for outside the demo is given, each secret from the cluster's Secret, none in plain text.
 */
class KubernetesManifestsTest {
    static final Path K8S = Path.of("../config/k8s");
    static final Path CONFIG = Path.of("../config");
    static final Pattern SECRET_NAME = Pattern.compile("(PASSWORD|SECRET|_TOKEN|PRIVATE_KEY|CREDENTIALS?)$");

    static Map<String, Map<String, Object>> byKind = new LinkedHashMap<>();
    static Map<String, Object> kustomization;
    static Map<String, String> gatewayEnv = new LinkedHashMap<>();
    static String applicationYaml;

    @BeforeAll
    static void read() throws IOException {
        try (Stream<Path> files = Files.list(K8S)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                for (Object doc : new Yaml().loadAll(Files.readString(f))) {
                    Map<String, Object> m = map(doc);
                    assertThat(m).as(f.toString()).containsKey("kind");
                    if (f.getFileName().toString().equals("kustomization.yaml")) kustomization = m;
                    else assertThat(byKind.put((String) m.get("kind"), m)).as("one " + m.get("kind")).isNull();
                }
            }
        }
        Properties env = new Properties();
        try (var in = Files.newBufferedReader(K8S.resolve("gateway.env"))) {
            env.load(in);
        }
        env.stringPropertyNames().stream().sorted().forEach(k -> gatewayEnv.put(k, env.getProperty(k)));
        applicationYaml = Files.readString(Path.of("src/main/resources/application.yaml"));
    }

    @Test
    void twoReplicasThatADrainNeverTakesBothOfAndAServiceSelectingThem() {
        Map<String, Object> deployment = byKind.get("Deployment");
        assertThat(at(deployment, "spec", "replicas")).isEqualTo(2);
        Map<String, Object> podLabels = map(at(deployment, "spec", "template", "metadata", "labels"));
        assertThat(podLabels).containsAllEntriesOf(map(at(deployment, "spec", "selector", "matchLabels")));
        assertThat(podLabels).containsAllEntriesOf(map(at(byKind.get("Service"), "spec", "selector")));
        assertThat(podLabels).containsAllEntriesOf(map(at(byKind.get("PodDisruptionBudget"), "spec", "selector", "matchLabels")));
        assertThat(at(byKind.get("PodDisruptionBudget"), "spec", "minAvailable")).isEqualTo(1);
        assertThat(at(byKind.get("Service"), "spec", "ports")).asList().singleElement()
                .satisfies(p -> assertThat(map(p)).containsEntry("targetPort", "http"));
        assertThat(list(kustomization.get("resources"))).containsExactlyInAnyOrder("deployment.yaml", "service.yaml", "pdb.yaml");
    }

    @Test
    void probesAskTheGatewaysOwnHealthGroupsOnItsPortReachableFromTheKubelet() {
        Map<String, Object> c = container();
        int httpPort = list(c.get("ports")).stream().map(KubernetesManifestsTest::map)
                .filter(p -> "http".equals(p.get("name"))).map(p -> (Integer) p.get("containerPort")).findFirst().orElseThrow();
        assertThat(String.valueOf(httpPort)).isEqualTo(gatewayEnv.get("SUAPGW_PORT"));
        // the server listens on every interface (its default is 127.0.0.1, which the kubelet cannot reach)
        assertThat(gatewayEnv).containsEntry("SUAPGW_BIND", "0.0.0.0");
        assertThat(probe(c, "readinessProbe")).containsEntry("path", "/actuator/health/readiness").containsEntry("port", "http");
        assertThat(probe(c, "livenessProbe")).containsEntry("path", "/actuator/health/liveness").containsEntry("port", "http");
        assertThat(probe(c, "startupProbe")).containsEntry("path", "/actuator/health/liveness").containsEntry("port", "http");
        // the groups exist, on the server's port (no management port of its own), and need no token
        Map<String, Object> management = map(map(new Yaml().load(applicationYaml)).get("management"));
        assertThat(at(management, "endpoint", "health", "probes", "enabled")).isEqualTo(true);
        assertThat(management).doesNotContainKey("server");
        assertThat(applicationYaml).doesNotContain("SUAPGW_MANAGEMENT_PORT");
        assertThat(read("src/main/java/it/comune/milano/suapgw/gateway/config/SecurityConfig.java"))
                .contains("\"/actuator/health/liveness\", \"/actuator/health/readiness\"");
    }

    @Test
    void shutdownIsGracefulWithinTheGracePeriodAndMemoryFitsTheLimit() {
        Map<String, Object> deployment = byKind.get("Deployment");
        Map<String, Object> c = container();
        List<Object> preStop = list(at(c, "lifecycle", "preStop", "exec", "command"));
        assertThat(preStop).first().isEqualTo("sleep");
        int preStopSeconds = Integer.parseInt((String) preStop.get(1));
        assertThat(applicationYaml).contains("shutdown: graceful");
        // the preStop, then Spring's shutdown phases (30 s each by default)
        assertThat((Integer) at(deployment, "spec", "template", "spec", "terminationGracePeriodSeconds"))
                .isGreaterThanOrEqualTo(preStopSeconds + 30);
        assertThat(at(c, "resources", "limits", "memory")).isEqualTo("640Mi");
        assertThat(env(c)).containsEntry("MALLOC_ARENA_MAX", "2");
    }

    /** The pod and the image run with the JVM budget of config/jvm.options, the one bin/suapgw-gateway uses. */
    @Test
    void theJvmBudgetOfConfigJvmOptionsInThePodAndTheImage() throws IOException {
        List<String> budget = Files.readAllLines(CONFIG.resolve("jvm.options")).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(budget).contains("-Xmx256m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError");
        List<String> pod = List.of(((String) env(container()).get("JAVA_TOOL_OPTIONS")).split("\\s+"));
        assertThat(pod).containsAll(budget);
        String pom = Files.readString(Path.of("pom.xml"));
        String image = pom.substring(pom.indexOf("<JAVA_TOOL_OPTIONS>") + "<JAVA_TOOL_OPTIONS>".length(), pom.indexOf("</JAVA_TOOL_OPTIONS>"));
        assertThat(List.of(image.strip().split("\\s+"))).containsAll(budget);
    }

    @Test
    void theContainerRunsAsNobodyOnAReadOnlyRootWithATmpOfItsOwn() {
        Map<String, Object> pod = map(at(byKind.get("Deployment"), "spec", "template", "spec"));
        assertThat(at(pod, "securityContext", "runAsNonRoot")).isEqualTo(true);
        assertThat((Integer) at(pod, "securityContext", "runAsUser")).isPositive();
        Map<String, Object> c = container();
        assertThat(at(c, "securityContext", "readOnlyRootFilesystem")).isEqualTo(true);
        assertThat(at(c, "securityContext", "allowPrivilegeEscalation")).isEqualTo(false);
        assertThat(mounts(c)).containsEntry("/tmp", "tmp");
        assertThat(volume("tmp")).containsKey("emptyDir");
    }

    @Test
    void everyConfigurationFileIsMountedAtItsPathAndNothingOfTheDemo() throws IOException {
        // the ConfigMap's sources: key=../<path under config/>
        Map<String, String> sources = new LinkedHashMap<>();
        for (Object g : list(kustomization.get("configMapGenerator"))) {
            if (!"suapgw-config".equals(map(g).get("name"))) continue;
            for (Object f : list(map(g).get("files"))) {
                String[] kv = ((String) f).split("=", 2);
                assertThat(kv[1]).startsWith("../");
                sources.put(kv[0], kv[1].substring(3));
            }
        }
        Map<String, String> mounted = new LinkedHashMap<>();
        for (Object item : list(at(volume("config"), "configMap", "items"))) mounted.put((String) map(item).get("key"), (String) map(item).get("path"));
        assertThat(mounted).as("each file mounted at its path under config/").isEqualTo(sources);
        assertThat(mounts(container())).containsEntry("/app/config", "config");
        // the Jib image's working directory: suapgw.config-dir "config" is /app/config
        assertThat(read("pom.xml")).contains("<workingDirectory>/app</workingDirectory>");

        List<String> files;
        try (Stream<Path> all = Files.walk(CONFIG)) {
            files = all.filter(Files::isRegularFile).map(p -> CONFIG.relativize(p).toString().replace('\\', '/'))
                    .filter(p -> p.equals("enti.yaml") || p.equals("calendario.yaml") || p.startsWith("osp/")).sorted().toList();
        }
        assertThat(sources.values()).containsExactlyInAnyOrderElementsOf(files).noneMatch(p -> p.startsWith("demo/"));
    }

    @Test
    void externalDatabaseBrokerAndMailAndEveryNameOneTheGatewayReads() {
        assertThat(gatewayEnv).containsEntry("SUAPGW_DB_EMBEDDED", "false").containsEntry("SUAPGW_BROKER_EMBEDDED", "false")
                .containsEntry("SUAPGW_MAIL_EMBEDDED", "false").containsKeys("SUAPGW_DB_URL", "SUAPGW_BROKER_URL");
        List<String> names = new ArrayList<>(gatewayEnv.keySet());
        names.addAll(env(container()).keySet());
        names.removeAll(List.of("JAVA_TOOL_OPTIONS", "MALLOC_ARENA_MAX"));
        // SUAPGW_* as ${...} of application.yaml; Spring's own (the identity provider) named in its comments
        assertThat(names).allSatisfy(n -> assertThat(applicationYaml)
                .as(n + " is read by the gateway").contains(n.startsWith("SUAPGW_") ? "${" + n : n));
    }

    @Test
    void everySecretComesFromTheClustersSecretAndNoneIsWrittenHere() {
        Map<String, Object> c = container();
        List<String> fromSecret = new ArrayList<>();
        for (Object e : list(c.get("env"))) {
            Map<String, Object> var = map(e);
            String name = (String) var.get("name");
            Object ref = at(var, "valueFrom", "secretKeyRef");
            if (ref != null) {
                assertThat(map(ref)).containsEntry("name", "suapgw-secrets").containsEntry("key", name);
                fromSecret.add(name);
            } else {
                assertThat(SECRET_NAME.matcher(name).find()).as(name + " written in plain text").isFalse();
            }
        }
        assertThat(fromSecret).isNotEmpty();
        // gateway.env: no secret, except where to find the private key: the Secret's file, mounted
        gatewayEnv.forEach((name, value) -> {
            if (SECRET_NAME.matcher(name).find()) {
                assertThat(name).isEqualTo("SUAPGW_MODI_PRIVATE_KEY");
                assertThat(value).isEqualTo(mountOf("keys") + "/modi-private-key.pem");
            }
        });
        assertThat(at(volume("keys"), "secret", "secretName")).isEqualTo("suapgw-secrets");
        assertThat(byKind).doesNotContainKey("Secret");
        assertThat(list(kustomization.getOrDefault("secretGenerator", List.of()))).isEmpty();
    }

    @Test
    void theGatewayWouldStartOnTheseManifestsOutsideTheDemo() throws IOException {
        // the container's environment: gateway.env, the Deployment's env, a (non-demo) value for each Secret key
        Map<String, Object> containerEnv = new LinkedHashMap<>(gatewayEnv);
        env(container()).forEach((name, value) -> containerEnv.put(name, value != null ? value : "from-the-cluster-" + name));
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, containerEnv));
        for (var source : new YamlPropertySourceLoader().load("application.yaml",
                new FileSystemResource("src/main/resources/application.yaml"))) {
            environment.getPropertySources().addLast(source);
        }
        ConfigurationPropertySources.attach(environment);
        // every ${SUAPGW_...} of application.yaml without a default is given
        java.util.regex.Matcher required = Pattern.compile("\\$\\{(SUAPGW_[A-Z0-9_]+)}").matcher(applicationYaml);
        while (required.find()) assertThat(containerEnv).containsKey(required.group(1));
        Binder binder = Binder.get(environment);
        GatewayProperties props = binder.bind("suapgw", GatewayProperties.class).get();
        ModiProperties modi = binder.bind("suapgw.modi", ModiProperties.class).get();

        assertThat(props.db().embedded()).isFalse();
        assertThat(props.broker().embedded()).isFalse();
        assertThat(props.mail().embedded()).isFalse();
        assertThat(SecretsGuard.problems(environment, props, modi)).isEmpty();
        // and the secrets it checked are the Secret's
        assertThat(environment.getProperty("spring.datasource.password")).isEqualTo("from-the-cluster-SUAPGW_DB_PASSWORD");
        assertThat(props.broker().password()).isEqualTo("from-the-cluster-SUAPGW_BROKER_PASSWORD");
        assertThat(props.mail().password()).isEqualTo("from-the-cluster-SUAPGW_MAIL_PASSWORD");
        assertThat(environment.getProperty("suapgw.documents.link-secret")).isEqualTo("from-the-cluster-SUAPGW_DOCUMENT_LINK_SECRET");
    }

    // ---------------------------------------------------------------- reading the manifests

    static Map<String, Object> container() {
        return map(list(at(byKind.get("Deployment"), "spec", "template", "spec", "containers")).get(0));
    }

    /** name -> value (null for one from a Secret) */
    static Map<String, String> env(Map<String, Object> container) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Object e : list(container.get("env"))) out.put((String) map(e).get("name"), (String) map(e).get("value"));
        return out;
    }

    static Map<String, Object> probe(Map<String, Object> container, String kind) {
        return map(at(container, kind, "httpGet"));
    }

    /** mount path -> volume */
    static Map<String, String> mounts(Map<String, Object> container) {
        return list(container.get("volumeMounts")).stream().map(KubernetesManifestsTest::map)
                .collect(Collectors.toMap(m -> (String) m.get("mountPath"), m -> (String) m.get("name")));
    }

    static String mountOf(String volume) {
        return mounts(container()).entrySet().stream().filter(e -> e.getValue().equals(volume)).map(Map.Entry::getKey)
                .findFirst().orElseThrow();
    }

    static Map<String, Object> volume(String name) {
        return list(at(byKind.get("Deployment"), "spec", "template", "spec", "volumes")).stream().map(KubernetesManifestsTest::map)
                .filter(v -> name.equals(v.get("name"))).findFirst().orElseThrow();
    }

    static Object at(Map<String, Object> m, String... path) {
        Object o = m;
        for (String p : path) {
            if (!(o instanceof Map<?, ?> mm)) return null;
            o = mm.get(p);
        }
        return o;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o == null ? Map.of() : (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return o == null ? List.of() : (List<Object>) o;
    }

    static String read(String path) {
        try {
            return Files.readString(Path.of(path));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

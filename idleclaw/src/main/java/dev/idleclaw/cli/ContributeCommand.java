package dev.idleclaw.cli;

import dev.idleclaw.node.NodeAgent;
import dev.idleclaw.identity.IdentityFile;
import dev.idleclaw.identity.IdentityFileException;
import dev.idleclaw.node.NodeConfig;
import dev.idleclaw.wire.NodeLimits;
import dev.idleclaw.node.NodeStartupException;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code idleclaw contribute}: serves the local Ollama's models to a hub until Ctrl+C (or SIGTERM), then drains
 * in-flight requests and exits 0. Exit 2 for a bad option, 3 when Ollama is unreachable or has no models, 4 when
 * the hub address keeps failing with a permanent error before the node ever registered.
 */
@Command(name = "contribute", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Serve your local Ollama models to an IdleClaw hub (runs until Ctrl+C).")
public final class ContributeCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ContributeCommand.class);
    /** Stopped by Ctrl+C/SIGTERM after a clean drain. */
    public static final int EXIT_OK = 0;
    /** picocli's usage-error code, reused for option values that parse but make no sense. */
    public static final int EXIT_BAD_OPTION = 2;
    /** Nothing to serve: Ollama is down or has no models. */
    public static final int EXIT_NO_OLLAMA = 3;
    /** The hub address is wrong: unknown host, not a hub, TLS failure ({@link NodeStartupException.Kind#HUB}). */
    public static final int EXIT_NO_HUB = 4;

    @Spec
    CommandSpec spec;

    @Option(names = ServerSetting.FLAG, paramLabel = "URL",
            description = "Hub to serve: http(s)://host[:port] or ws(s)://host[:port]/ws/node "
                    + "(env: " + ServerSetting.ENV + ", default: " + ServerSetting.DEFAULT + ").")
    String server;

    @Option(names = "--ollama", defaultValue = "${env:OLLAMA_HOST:-" + NodeConfig.DEFAULT_OLLAMA + "}",
            description = "Local Ollama: http(s)://host[:port] or host:port "
                    + "(env: OLLAMA_HOST, default: " + NodeConfig.DEFAULT_OLLAMA + ").")
    String ollama;

    @Option(names = "--max-concurrent", defaultValue = "${env:IDLECLAW_MAX_CONCURRENT:-2}",
            description = "Requests served at once, 1..10 (env: IDLECLAW_MAX_CONCURRENT, default: 2).")
    int maxConcurrent;

    @Option(names = "--max-messages", defaultValue = "${env:IDLECLAW_NODE_MAX_MESSAGES:-" + DEFAULT_MESSAGES + "}",
            description = "Messages per request this node accepts; can only be lowered "
                    + "(env: IDLECLAW_NODE_MAX_MESSAGES, default: " + DEFAULT_MESSAGES + ").")
    int maxMessages;

    @Option(names = "--max-message-chars", defaultValue = "${env:IDLECLAW_NODE_MAX_MESSAGE_CHARS:-" + DEFAULT_MESSAGE_CHARS + "}",
            description = "Characters per message this node accepts; can only be lowered "
                    + "(env: IDLECLAW_NODE_MAX_MESSAGE_CHARS, default: " + DEFAULT_MESSAGE_CHARS + ").")
    int maxMessageChars;

    @Option(names = "--max-request-bytes", defaultValue = "${env:IDLECLAW_NODE_MAX_REQUEST_BYTES:-" + DEFAULT_REQUEST_BYTES + "}",
            description = "Bytes of one request message this node reads, at least 65536; can only be lowered "
                    + "(env: IDLECLAW_NODE_MAX_REQUEST_BYTES, default: " + DEFAULT_REQUEST_BYTES + ").")
    int maxRequestBytes;

    @CommandLine.Mixin
    IdentityOption identity = new IdentityOption();

    @CommandLine.Mixin
    TlsOption tls = new TlsOption();

    @Option(names = "--anonymous", description = "Do not prove a key to the hub: serve without earning credit.")
    boolean anonymous;
    /** The node's default limits, as option defaults (annotations need constants). */
    public static final String DEFAULT_MESSAGES = "1000", DEFAULT_MESSAGE_CHARS = "4000000", DEFAULT_REQUEST_BYTES = "16777216";

    /** Where {@code $IDLECLAW_SERVER} is read from (tests pass their own). */
    private final Function<String, String> env;

    public ContributeCommand() {
        this(System::getenv);
    }

    public ContributeCommand(Function<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        var err = spec.commandLine().getErr();
        NodeConfig config;
        var hub = ServerSetting.of(server, env);
        try {
            config = NodeConfig.of(hub.value(), ollama, maxConcurrent).withTls(tls.context())
                    .withLimits(new NodeLimits(maxMessages, maxMessageChars, maxRequestBytes));
            if (!anonymous) {
                // A contributor earns credit with its key: create one on first use, as `idleclaw keygen` would.
                var loaded = IdentityFile.loadOrCreate(identity.path(), false);
                if (loaded.created()) log.info("created identity {} at {}", loaded.identity().publicKey(), loaded.path());
                config = config.withIdentity(loaded.identity());
            }
        } catch (IllegalArgumentException | IdentityFileException e) {
            err.println("idleclaw contribute: " + e.getMessage());
            return EXIT_BAD_OPTION;
        }
        var agent = new NodeAgent(config);
        try {
            var inventory = agent.prepare();
            log.info("serving {} model(s) from Ollama {} at {} to {}", inventory.models().size(),
                    inventory.ollamaVersion(), config.ollamaUrl(), config.hubUrl());
            Signals.onStop("node", agent::stop);
            agent.run();
        } catch (NodeStartupException e) {
            return switch (e.kind()) {
                case OLLAMA -> {
                    err.println("idleclaw contribute: " + e.getMessage());
                    yield EXIT_NO_OLLAMA;
                }
                case HUB -> {
                    err.println("idleclaw contribute: " + e.getMessage() + " (" + hub.origin() + ")");
                    yield EXIT_NO_HUB;
                }
            };
        }
        return EXIT_OK;
    }
}

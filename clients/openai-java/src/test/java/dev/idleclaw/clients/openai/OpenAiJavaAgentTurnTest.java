package dev.idleclaw.clients.openai;

import static dev.idleclaw.e2e.ClientNetwork.MODEL;
import static dev.idleclaw.e2e.ClientNetwork.TEXT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.openai.client.OpenAIClient;
import com.openai.errors.BadRequestException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStreamEvent;
import dev.idleclaw.e2e.AgentTurn;
import dev.idleclaw.e2e.AgentTurnCheck;
import dev.idleclaw.e2e.ClientNetwork;
import java.util.ArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Agent-sized turns through the SDK (issue 12 §3): a 25,000-character system prompt, 20 tools and 120 messages reach
 * the node's Ollama whole on both OpenAI doors, streamed or not, with a context window fitted to them; a history
 * longer than the hub accepts is the SDK's {@code BadRequestException} naming the operator's option.
 */
class OpenAiJavaAgentTurnTest {
    private static ClientNetwork network;
    private static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        network = new ClientNetwork();
        client = Clients.openAi(network);
    }

    @AfterAll
    static void stop() {
        if (client != null) client.close();
        if (network != null) network.close();
    }

    @BeforeEach
    void reset() { network.reset(); }

    @Test
    void anAgentSizedChatCompletionReachesTheNodeWholeAndIsAnswered() {
        network.ollama.behaviour(AgentTurn.answeringInText());
        ChatCompletion completion = client.chat().completions().create(AgentTurns.chat(MODEL, AgentTurn.history()).build()).validate();

        assertThat(completion.choices().getFirst().message().content()).contains(TEXT);
        AgentTurnCheck.assertCarried(network.nextChat().json(), true);
    }

    @Test
    void anAgentSizedStreamedChatCompletionReachesTheNodeWholeAndCallsOneOfItsTools() {
        network.ollama.behaviour(AgentTurn.answeringWithAToolCall());
        var accumulator = ChatCompletionAccumulator.create();
        Streams.collect(client, AgentTurns.chat(MODEL, AgentTurn.history()).build()).forEach(accumulator::accumulate);

        var call = accumulator.chatCompletion().choices().getFirst().message().toolCalls().orElseThrow().getFirst().asFunction();
        assertThat(call.function().name()).isEqualTo(AgentTurn.NEXT_TOOL);
        assertThat(call.function().arguments()).isEqualTo(AgentTurn.NEXT_ARGUMENTS);
        AgentTurnCheck.assertCarried(network.nextChat().json(), true);
    }

    @Test
    void anAgentSizedResponseReachesTheNodeWholeAndIsAnswered() {
        network.ollama.behaviour(AgentTurn.answeringInText());
        var response = client.responses().create(AgentTurns.responses(MODEL, AgentTurn.history()).build()).validate();

        var text = new StringBuilder();
        response.output().stream().filter(ResponseOutputItem::isMessage)
                .forEach(m -> m.asMessage().content().forEach(c -> text.append(c.asOutputText().text())));
        assertThat(text.toString()).isEqualTo(TEXT);
        assertThat(response.tools()).hasSize(AgentTurn.TOOLS);
        AgentTurnCheck.assertCarried(network.nextChat().json(), true);
    }

    @Test
    void anAgentSizedStreamedResponseReachesTheNodeWholeAndCallsOneOfItsTools() {
        network.ollama.behaviour(AgentTurn.answeringWithAToolCall());
        var events = new ArrayList<ResponseStreamEvent>();
        try (var stream = client.responses().createStreaming(AgentTurns.responses(MODEL, AgentTurn.history()).build())) {
            stream.stream().forEach(e -> events.add(e.validate()));
        }

        assertThat(events.getLast().isCompleted()).isTrue();
        var accumulator = ResponseAccumulator.create();
        events.forEach(accumulator::accumulate);
        var call = accumulator.response().output().getFirst().asFunctionCall();
        assertThat(call.name()).isEqualTo(AgentTurn.NEXT_TOOL);
        assertThat(call.arguments()).isEqualTo(AgentTurn.NEXT_ARGUMENTS);
        AgentTurnCheck.assertCarried(network.nextChat().json(), true);
    }

    @Test
    void moreMessagesThanTheHubAcceptsIsABadRequestNamingTheOperatorsOption() {
        var tooLong = AgentTurn.chatter(AgentTurn.OVER_THE_HUB_LIMIT);
        var chat = catchThrowableOfType(BadRequestException.class,
                () -> client.chat().completions().create(AgentTurns.chat(MODEL, tooLong).build()));
        var responses = catchThrowableOfType(BadRequestException.class,
                () -> client.responses().create(AgentTurns.responses(MODEL, tooLong).build()));

        for (var e : new BadRequestException[] {chat, responses}) {
            assertThat(e.statusCode()).isEqualTo(400);
            // The hub counts the system prompt too.
            assertThat(e.getMessage()).contains("too many messages: " + (AgentTurn.OVER_THE_HUB_LIMIT + 1))
                    .contains("its operator sets --max-messages");
        }
        assertThat(network.chatCount()).isZero();
    }
}

package dev.idleclaw.clients.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.idleclaw.e2e.Network;
import dev.idleclaw.testkit.Behaviour;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import dev.idleclaw.testkit.StandInSearx;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java SDK asking for a search-enabled chat ({@code web_search_options}) gets a searched answer. */
class OpenAiJavaWebSearchTest {
    private static final String MODEL = "llama3.2:3b";

    @Test
    void webSearchOptionsGetAnAnswerBuiltOnTheHubsSearch() throws Exception {
        try (var searx = StandInSearx.start().results(List.of(new StandInSearx.Result("Oslo weather today",
                     "https://weather.example.org/oslo", "Sunny, 21 degrees.")));
             var ollama = StandInOllama.start().model(StandInModel.of(MODEL)).behaviour(Behaviour.defaults()
                     .withTokens("It is", " sunny", " in Oslo.")
                     .withToolRounds(List.of(Behaviour.ToolCall.of("web_search", "{\"query\":\"Oslo weather\"}"))));
             var net = new Network(c -> c.searchUrl = URI.create(searx.baseUrl()))) {
            net.addNode(ollama);
            OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(net.url() + "/v1").apiKey("test-key").maxRetries(0)
                    .timeout(Duration.ofSeconds(30)).build();
            try {
                var params = ChatCompletionCreateParams.builder().model(MODEL).addUserMessage("What is the weather in Oslo?")
                        .webSearchOptions(ChatCompletionCreateParams.WebSearchOptions.builder()
                                .searchContextSize(ChatCompletionCreateParams.WebSearchOptions.SearchContextSize.LOW).build())
                        .build();
                var completion = client.chat().completions().create(params).validate();
                var message = completion.choices().getFirst().message();
                assertThat(message.content()).contains("It is sunny in Oslo.");
                assertThat(message.toolCalls()).isEmpty();
                assertThat(searx.queries()).containsExactly("Oslo weather");
                var results = ollama.requests().stream().filter(r -> r.path().equals("/api/chat")).toList().getLast().body();
                assertThat(results).contains("Sunny, 21 degrees.").contains("https://weather.example.org/oslo");
            } finally {
                client.close();
            }
        }
    }
}

package dev.idleclaw.clients.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.core.JsonValue;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import dev.idleclaw.e2e.AgentTurn;
import dev.idleclaw.e2e.AgentTurn.Message;
import dev.idleclaw.json.Json;
import java.util.ArrayList;
import java.util.List;

/** An {@link AgentTurn} in the SDK's types: Chat Completions and Responses requests with its prompt, tools and history. */
final class AgentTurns {
    private AgentTurns() {}

    /** A Chat Completions request: the system prompt, {@code history}, and the turn's tools. */
    static ChatCompletionCreateParams.Builder chat(String model, List<Message> history) {
        var params = ChatCompletionCreateParams.builder().model(model).addSystemMessage(AgentTurn.systemPrompt());
        for (Message m : history) {
            switch (m) {
                case Message.User u -> params.addUserMessage(u.text());
                case Message.Assistant a -> params.addAssistantMessage(a.text());
                case Message.ToolCall c -> params.addMessage(ChatCompletionAssistantMessageParam.builder()
                        .addToolCall(ChatCompletionMessageFunctionToolCall.builder().id(c.id())
                                .function(ChatCompletionMessageFunctionToolCall.Function.builder().name(c.tool())
                                        .arguments(c.argumentsJson()).build())
                                .build())
                        .build());
                case Message.ToolResult r -> params.addMessage(ChatCompletionToolMessageParam.builder().toolCallId(r.id())
                        .content(r.text()).build());
            }
        }
        for (AgentTurn.Tool t : AgentTurn.tools()) {
            params.addTool(ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name(t.name())
                    .description(t.description()).parameters(chatParameters(t.parameters())).build()).build());
        }
        return params;
    }

    /** A Responses request: the system prompt as {@code instructions}, {@code history} as input items, the tools. */
    static ResponseCreateParams.Builder responses(String model, List<Message> history) {
        List<ResponseInputItem> input = new ArrayList<>();
        for (Message m : history) {
            input.add(switch (m) {
                case Message.User u -> ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder()
                        .role(EasyInputMessage.Role.USER).content(u.text()).build());
                case Message.Assistant a -> ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder()
                        .role(EasyInputMessage.Role.ASSISTANT).content(a.text()).build());
                case Message.ToolCall c -> ResponseInputItem.ofFunctionCall(ResponseFunctionToolCall.builder().callId(c.id())
                        .name(c.tool()).arguments(c.argumentsJson()).build());
                case Message.ToolResult r -> ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput
                        .builder().callId(r.id()).output(r.text()).build());
            });
        }
        var params = ResponseCreateParams.builder().model(model).store(false).instructions(AgentTurn.systemPrompt())
                .inputOfResponse(input);
        for (AgentTurn.Tool t : AgentTurn.tools()) {
            var parameters = FunctionTool.Parameters.builder();
            t.parameters().properties().forEach(e -> parameters.putAdditionalProperty(e.getKey(), value(e.getValue())));
            params.addTool(FunctionTool.builder().name(t.name()).description(t.description()).strict(false)
                    .parameters(parameters.build()).build());
        }
        return params;
    }

    private static FunctionParameters chatParameters(JsonNode schema) {
        var parameters = FunctionParameters.builder();
        schema.properties().forEach(e -> parameters.putAdditionalProperty(e.getKey(), value(e.getValue())));
        return parameters.build();
    }

    /** A JSON value in the SDK's own type, through plain Java maps, lists and scalars. */
    private static JsonValue value(JsonNode node) {
        return JsonValue.from(Json.MAPPER.convertValue(node, Object.class));
    }
}

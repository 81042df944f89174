package dev.idleclaw.clients.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.e2e.AgentTurn;
import dev.idleclaw.e2e.AgentTurn.Message;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import java.util.ArrayList;
import java.util.List;

/** An {@link AgentTurn} in LangChain4j's types: its JSON-schema tools become {@link ToolSpecification}s. */
final class AgentTurns {
    private AgentTurns() {}

    /** The system prompt, {@code history} and the turn's tools. */
    static ChatRequest request(List<Message> history) {
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(SystemMessage.from(AgentTurn.systemPrompt()));
        for (Message m : history) {
            messages.add(switch (m) {
                case Message.User u -> UserMessage.from(u.text());
                case Message.Assistant a -> AiMessage.from(a.text());
                case Message.ToolCall c -> AiMessage.from(ToolExecutionRequest.builder().id(c.id()).name(c.tool())
                        .arguments(c.argumentsJson()).build());
                case Message.ToolResult r -> ToolExecutionResultMessage.from(r.id(), r.tool(), r.text());
            });
        }
        List<ToolSpecification> tools = AgentTurn.tools().stream().map(t -> ToolSpecification.builder().name(t.name())
                .description(t.description()).parameters(object(t.parameters())).build()).toList();
        return ChatRequest.builder().messages(messages).toolSpecifications(tools).build();
    }

    private static JsonObjectSchema object(JsonNode schema) {
        var object = JsonObjectSchema.builder().description(description(schema));
        schema.path("properties").properties().forEach(p -> object.addProperty(p.getKey(), element(p.getValue())));
        object.required(schema.path("required").valueStream().map(JsonNode::asText).toList());
        return object.build();
    }

    /** The schema kinds {@code agent-tools.json} uses. */
    private static JsonSchemaElement element(JsonNode schema) {
        if (schema.has("enum")) {
            return JsonEnumSchema.builder().description(description(schema))
                    .enumValues(schema.get("enum").valueStream().map(JsonNode::asText).toList()).build();
        }
        return switch (schema.path("type").asText()) {
            case "string" -> JsonStringSchema.builder().description(description(schema)).build();
            case "integer" -> JsonIntegerSchema.builder().description(description(schema)).build();
            case "boolean" -> JsonBooleanSchema.builder().description(description(schema)).build();
            case "array" -> JsonArraySchema.builder().description(description(schema)).items(element(schema.get("items"))).build();
            case "object" -> object(schema);
            default -> throw new IllegalArgumentException("no LangChain4j schema for " + schema);
        };
    }

    private static String description(JsonNode schema) {
        return schema.path("description").isTextual() ? schema.get("description").asText() : null;
    }
}

package dev.idleclaw.server;

import dev.idleclaw.json.Json;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Errors produced by Jetty itself (refused upgrades, malformed requests) answer IdleClaw's {@code {"detail": …}} JSON. */
final class JsonErrorHandler extends org.eclipse.jetty.ee10.servlet.ErrorHandler {

    @Override
    protected boolean generateAcceptableResponse(Request request, Response response, Callback callback, String contentType,
                                                 List<Charset> charsets, int code, String message, Throwable cause) {
        String detail = message == null || message.isBlank() ? HttpStatus.getMessage(code) : message;
        byte[] body = Json.write(Json.object().put("detail", detail)).getBytes(StandardCharsets.UTF_8);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }
}

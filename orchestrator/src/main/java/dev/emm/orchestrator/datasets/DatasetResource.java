package dev.emm.orchestrator.datasets;

import dev.emm.core.data.DatasetManifest;
import dev.emm.datasets.DatasetExistsException;
import dev.emm.datasets.DatasetNotFoundException;
import dev.emm.datasets.ImportOptions;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Registered datasets (docs/DATASETS.md): list, show, preview, import and delete.
 *
 * <p>{@code POST /datasets/{name}} takes the dataset file itself as the body
 * ({@code application/octet-stream}), in one of the published formats; {@code bundle=true} says the
 * body is a tar of a folder (an image folder, or MNIST IDX images and labels files) and {@code entry}
 * which path inside it to import. Errors are JSON {@code {"error": message}}: 400 for unusable input
 * (the message names the file, the entry and the problem), 404 for an unknown name, 409 for a name
 * already taken without {@code replace=true}.
 */
@Path("/datasets")
@Produces(MediaType.APPLICATION_JSON)
public class DatasetResource {

    @Inject
    DatasetService datasets;

    @GET
    public List<DatasetManifest> list() {
        return datasets.list();
    }

    @GET
    @Path("/{name}")
    public Response get(@PathParam("name") String name) {
        try {
            return datasets.find(name).map(manifest -> Response.ok(manifest).build())
                    .orElseGet(() -> notFound(name));
        } catch (IllegalArgumentException e) {
            return error(Response.Status.BAD_REQUEST, e.getMessage());
        }
    }

    @GET
    @Path("/{name}/preview.png")
    @Produces({"image/png", MediaType.APPLICATION_JSON})
    public Response preview(@PathParam("name") String name, @QueryParam("perClass") @DefaultValue("8") int perClass,
            @QueryParam("scale") @DefaultValue("1") int scale) throws IOException {
        if (perClass < 1 || perClass > 64 || scale < 1 || scale > 8) {
            return error(Response.Status.BAD_REQUEST, "perClass must be 1..64 and scale 1..8, got perClass "
                    + perClass + " and scale " + scale);
        }
        try {
            return Response.ok(datasets.preview(name, perClass, scale), "image/png").build();
        } catch (DatasetNotFoundException e) {
            return notFound(name);
        } catch (IllegalArgumentException e) {
            return error(Response.Status.BAD_REQUEST, e.getMessage());
        }
    }

    @POST
    @Path("/{name}")
    @Consumes({MediaType.APPLICATION_OCTET_STREAM, MediaType.WILDCARD})
    public Response importDataset(@PathParam("name") String name,
            @QueryParam("format") String format,
            @QueryParam("replace") @DefaultValue("false") boolean replace,
            @QueryParam("filename") String fileName,
            @QueryParam("split") String split,
            @QueryParam("cifar100Labels") String cifar100Labels,
            @QueryParam("license") String license,
            @QueryParam("bundle") @DefaultValue("false") boolean bundle,
            @QueryParam("entry") String entry,
            @QueryParam("labels") String labels,
            @QueryParam("centerCrop") String centerCrop,
            InputStream body) throws IOException {
        DatasetManifest manifest;
        try {
            ImportOptions options = ImportOptions.defaults()
                    .withSplit(parse(ImportOptions.Split.class, "split", split, ImportOptions.Split.TRAIN))
                    .withCifar100Labels(parse(ImportOptions.Cifar100Labels.class, "cifar100Labels", cifar100Labels,
                            ImportOptions.Cifar100Labels.FINE))
                    .withLicense(license)
                    .withCenterCrop(side("centerCrop", centerCrop));
            DatasetService.Upload upload = new DatasetService.Upload(fileName, Optional.ofNullable(format)
                    .filter(f -> !f.isBlank()), options, replace, bundle, Optional.ofNullable(entry),
                    Optional.ofNullable(labels));
            manifest = datasets.importUpload(name, upload, body);
        } catch (DatasetExistsException e) {
            return error(Response.Status.CONFLICT, e.getMessage() + " (pass replace=true to replace it)");
        } catch (DatasetService.BadUpload | IllegalArgumentException e) {
            return error(Response.Status.BAD_REQUEST, e.getMessage());
        }
        return Response.created(URI.create("/datasets/" + name)).entity(manifest).build();
    }

    @DELETE
    @Path("/{name}")
    public Response delete(@PathParam("name") String name) {
        try {
            return datasets.delete(name) ? Response.noContent().build() : notFound(name);
        } catch (IllegalArgumentException e) {
            return error(Response.Status.BAD_REQUEST, e.getMessage());
        }
    }

    private static Integer side(String parameter, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(parameter + " must be a whole number of pixels, got '" + value + "'");
        }
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String parameter, String value, E fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(parameter + " must be one of "
                    + java.util.Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT))
                    .toList() + ", got '" + value + "'");
        }
    }

    private static Response notFound(String name) {
        return error(Response.Status.NOT_FOUND, "no dataset named '" + name + "' is registered");
    }

    private static Response error(Response.Status status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", message, "status", status.getStatusCode())).build();
    }
}

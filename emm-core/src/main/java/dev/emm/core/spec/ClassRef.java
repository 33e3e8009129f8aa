package dev.emm.core.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * One class of a dataset, named in a spec by its index (a JSON number, {@code 5}) or by its name
 * in the dataset's manifest (a JSON string, {@code "dog"}). The two are kept apart, so a class
 * folder named {@code "2"} that sorts to index 4 is reached as {@code "2"} or as {@code 4}.
 *
 * @param id   the class index, or null when named
 * @param name the class name, or null when given by index
 */
public record ClassRef(Integer id, String name) {

    public ClassRef {
        if ((id == null) == (name == null)) {
            throw new IllegalArgumentException("a class is given by its index or by its name, not both or neither");
        }
    }

    public static ClassRef ofId(int id) {
        return new ClassRef(id, null);
    }

    public static ClassRef ofName(String name) {
        return new ClassRef(null, name);
    }

    /** A whole JSON number is an index, a JSON string a name; anything else is refused. */
    @JsonCreator
    static ClassRef fromJson(Object value) {
        if (value instanceof Integer index) {
            return ofId(index);
        }
        if (value instanceof String name) {
            return ofName(name);
        }
        throw new IllegalArgumentException("a class is a class index (a whole number) or a class name (a string), got "
                + value);
    }

    @JsonValue
    Object toJson() {
        return id != null ? id : name;
    }

    @Override
    public String toString() {
        return id != null ? "class " + id : "class '" + name + "'";
    }
}

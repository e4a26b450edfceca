package io.sluice.server.sink;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Builds the transforms an instance names in {@code sluice.instance.transforms}. Reflection is confined to
 * here because the user names a class in a file; everything else is wired by constructors.
 */
public final class TransformLoader {

    private TransformLoader() {
    }

    public static List<EntryTransform> load(List<String> classNames, Properties properties, ClassLoader loader) {
        List<EntryTransform> out = new ArrayList<>();
        for (String name : classNames) {
            out.add(create(name, properties, loader));
        }
        return List.copyOf(out);
    }

    private static EntryTransform create(String name, Properties properties, ClassLoader loader) {
        Class<?> type;
        try {
            type = Class.forName(name, true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new TransformException("sluice.instance.transforms: class " + name + " not found on the class path", e);
        }
        if (!EntryTransform.class.isAssignableFrom(type)) {
            throw new TransformException("sluice.instance.transforms: " + name + " does not implement "
                    + EntryTransform.class.getName());
        }
        try {
            try {
                Constructor<?> c = type.getConstructor(Properties.class);
                return (EntryTransform) c.newInstance(properties);
            } catch (NoSuchMethodException e) {
                return (EntryTransform) type.getConstructor().newInstance();
            }
        } catch (NoSuchMethodException e) {
            throw new TransformException("sluice.instance.transforms: " + name
                    + " needs a public constructor taking java.util.Properties, or a public no-arg one", e);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new TransformException("sluice.instance.transforms: " + name + " refused its configuration: "
                    + cause.getMessage(), cause);
        } catch (ReflectiveOperationException e) {
            throw new TransformException("sluice.instance.transforms: " + name + " cannot be instantiated: " + e, e);
        }
    }
}

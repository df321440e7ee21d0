package dev.dashspark.core.cli;

import dev.dashspark.core.aggconv.Strategy;
import dev.dashspark.core.trial.HpoGrid;
import dev.dashspark.core.trial.Method;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.function.Function;

/** Option values checked by the domain's own parsers, so that a bad value is a usage error (exit 2) naming it. */
final class Converters {
    private Converters() {
    }

    private static <T> T convert(String value, Function<String, T> parse) {
        try {
            return parse.apply(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    static final class MethodConverter implements ITypeConverter<Method> {
        @Override
        public Method convert(String value) {
            return Converters.convert(value, Method::parse);
        }
    }

    static final class StrategyConverter implements ITypeConverter<Strategy> {
        @Override
        public Strategy convert(String value) {
            return Converters.convert(value.trim(), Strategy::parse);
        }
    }

    /** An HPO grid by its configuration name ({@code reference}, {@code lr}, ...). */
    static final class HpoGridConverter implements ITypeConverter<HpoGrid> {
        @Override
        public HpoGrid convert(String value) {
            return Converters.convert(value, HpoGrid::parse);
        }
    }
}

# Sourced by submit/dash and submit/dash-submit: reads the parent pom, the one place versions and JVM flags live.
# pom_property NAME: the value of <NAME> in pom.xml's <properties>; exits with a message naming it when absent.
pom_property() {
  local value
  value=$(sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$ROOT/pom.xml" | head -n 1)
  if [ -z "$value" ]; then
    echo "$(basename "$0"): cannot read <$1> from $ROOT/pom.xml" >&2
    exit 1
  fi
  printf '%s' "$value"
}

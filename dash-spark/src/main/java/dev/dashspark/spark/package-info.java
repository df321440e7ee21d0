/**
 * The Spark application of dash-spark: sweeps of DASH trials fanned out over executors, the results table and the
 * reports. It depends on dash-core and is where Spark enters; dash-core never imports Spark.
 */
package dev.dashspark.spark;

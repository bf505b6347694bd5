# Sourced by isobench and isobench-runtime: the JVM flags of a short-lived CLI, in the array "jvm".
# A short-lived CLI: C1 only and the serial collector start fastest. The suite runner must stay under 512 MB.
# Class-data sharing: once per build, the classes a real 'ctr run' loads are listed and dumped into a static
# archive, isobench.jar.jsa; every later JVM maps them instead of parsing and verifying them again. Static,
# not a dynamic -XX:ArchiveClassesAtExit archive: JDK 17 stores picocli's Java 5 class files only in a static
# one (tens of milliseconds more off 'ctr run').
jvm=(java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off -Xmx384m)
# Transparent huge pages for the heap, where the kernel offers them: a 'ctr run' first touches about 12 MB of
# heap, and 2 MB faults instead of 4 KB ones are fewer (a page fault is dear in a VM). Only asked for where THP is
# on: elsewhere the JVM would print a warning.
grep -qs '\[always\]\|\[madvise\]' /sys/kernel/mm/transparent_hugepage/enabled && jvm+=(-XX:+UseTransparentHugePages)
# The class-data archive scripts/isobench dumps once per build, used when it is as new as the jar.
jsa="$jar.jsa"
[ -f "$jsa" ] && [ ! "$jar" -nt "$jsa" ] && jvm_archive=(-XX:SharedArchiveFile="$jsa") || jvm_archive=()

# Sourced by bench/redirect-ab.sh and bench/redirect-cpu.sh, with $base (another build's lastclick.dll) and $work (a
# temporary folder) set: builds this checkout, the bare app and the bench tool; makes a store for each build with the
# same publisher and link; starts this checkout's serve on 5181, the bare ASP.NET Core 302 on 5182 and the other build
# on 5183, and waits for them. Sets $new, $code (the link's code), $newpid, $barepid and $basepid.
dotnet build -c Release -v q src/LastClick/LastClick.csproj >/dev/null
dotnet build -c Release -v q bench/BareRedirect/BareRedirect.csproj >/dev/null
dotnet build -c Release -v q bench/LastClick.Bench/LastClick.Bench.csproj >/dev/null
new="src/LastClick/bin/Release/net10.0/lastclick.dll"
for app in new base; do
  dll=$([ $app = new ] && echo "$new" || echo "$base")
  dotnet "$dll" migrate --store "$work/$app.db" >/dev/null
done
# The link is made by this checkout's bench tool: on the base store its schema is the base's own, so only the
# publisher and link rows are written there (the same tables in both).
dotnet bench/LastClick.Bench/bin/Release/net10.0/LastClick.Bench.dll link "$work/new.db" ${AB_LINK_OPTIONS:-} > "$work/code"
code=$(cat "$work/code")
# Only the columns the base's tables have (a later migration may have added some).
: > "$work/rows.sql"
for table in publishers links; do
  cols=$(sqlite3 "$work/base.db" "SELECT group_concat(name, ', ') FROM pragma_table_info('$table')")
  sqlite3 "$work/new.db" ".mode insert $table" "SELECT $cols FROM $table" >> "$work/rows.sql"
done
sqlite3 "$work/base.db" < "$work/rows.sql"

dotnet "$new" serve --store "$work/new.db" --urls http://127.0.0.1:5181 >"$work/new.log" 2>&1 & newpid=$!
dotnet bench/BareRedirect/bin/Release/net10.0/BareRedirect.dll --urls http://127.0.0.1:5182 >"$work/bare.log" 2>&1 & barepid=$!
dotnet "$base" serve --store "$work/base.db" --urls http://127.0.0.1:5183 >"$work/base.log" 2>&1 & basepid=$!
for port in 5181 5182 5183; do
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
done

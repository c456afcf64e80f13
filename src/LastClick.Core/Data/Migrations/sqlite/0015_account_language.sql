-- Issue 17: the language an account chose in the dashboard's switcher (en, fr, pt, es, ru); NULL until it chooses, when
-- the browser's Accept-Language, then the program's first language, decide. Its mail is written in it too.
ALTER TABLE accounts ADD COLUMN language TEXT;

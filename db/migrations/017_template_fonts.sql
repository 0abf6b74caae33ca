-- Self-hosted web fonts: a design keeps its typeface (Inter, Roboto, …) without mail clients calling
-- Google Fonts, which would hand every reader's IP address to a third party. Faces are served publicly
-- by the app (/fonts/<account>/<family>.css), as mail clients fetch fonts without credentials.
create table template_fonts (
  account_id uuid not null references accounts(id),
  family text not null check (family ~ '^[A-Za-z0-9][A-Za-z0-9 _-]{0,79}$'),
  weight int not null check (weight between 100 and 900),
  style text not null check (style in ('normal', 'italic')),
  format text not null check (format in ('woff2', 'woff')),
  data bytea not null,
  uploaded_by text not null,
  uploaded_at timestamptz not null default now(),
  primary key (account_id, family, weight, style)
);

CREATE TABLE countries (code char(2) PRIMARY KEY, name varchar(100) NOT NULL);
